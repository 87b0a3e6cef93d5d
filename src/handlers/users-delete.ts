import { httpRoute } from '../lib/http/route';
import { noContent } from '../lib/http/responses';
import { userIdPath } from '../lib/users/routes';

/** DELETE /api/users/{id} */
export const handler = httpRoute({ path: userIdPath, database: true }, async ({ path }, { users }) => {
  await users.remove(path.id);
  return noContent();
});
