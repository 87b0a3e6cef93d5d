import { databaseRoute } from '../lib/http/database-route';
import { ok } from '../lib/http/responses';
import { userInputSchema } from '../lib/users/model';
import { userIdPath } from '../lib/users/routes';

/** PUT /api/users/{id}: replaces email and name. */
export const handler = databaseRoute({ path: userIdPath, body: userInputSchema }, async ({ path, body }, { users }) =>
  ok(await users.replace(path.id, body)),
);
