import { databaseRoute } from '../lib/http/database-route';
import { ok } from '../lib/http/responses';
import { userIdPath } from '../lib/users/routes';

/** GET /api/users/{id} */
export const handler = databaseRoute({ path: userIdPath }, async ({ path }, { users }) => ok(await users.get(path.id)));
