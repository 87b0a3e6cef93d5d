import { httpRoute } from '../lib/http/route';
import { ok } from '../lib/http/responses';
import { userIdPath } from '../lib/users/routes';

/** GET /api/users/{id} */
export const handler = httpRoute({ path: userIdPath, database: true }, async ({ path }, { users }) =>
  ok(await users.get(path.id)),
);
