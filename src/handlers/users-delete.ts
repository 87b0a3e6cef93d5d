import { databaseRoute } from '../lib/http/database-route';
import { noContent } from '../lib/http/responses';
import { userIdPath } from '../lib/users/routes';

/** DELETE /api/users/{id} */
export const handler = databaseRoute({ path: userIdPath }, async ({ path }, { users }) => {
  await users.remove(path.id);
  return noContent();
});
