import { httpRoute } from '../lib/http/route';
import { ok } from '../lib/http/responses';
import { userInputSchema } from '../lib/users/model';
import { userIdPath } from '../lib/users/routes';

/** PUT /api/users/{id}: replaces email and name. */
export const handler = httpRoute(
  { path: userIdPath, body: userInputSchema, database: true },
  async ({ path, body }, { users }) => ok(await users.replace(path.id, body)),
);
