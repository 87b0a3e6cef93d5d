import { securedRoute } from '../lib/http/secured-route';
import { ok } from '../lib/http/responses';
import { userIdPath } from '../lib/users/routes';

/** GET /api/users/{id} */
export const handler = securedRoute({ scope: 'users.read', path: userIdPath }, async ({ path }, { users }) => ok(await users.get(path.id)));
