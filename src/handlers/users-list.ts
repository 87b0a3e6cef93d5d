import { securedRoute } from '../lib/http/secured-route';
import { ok } from '../lib/http/responses';
import { listUsers } from '../lib/users/pagination';
import { listUsersQuery } from '../lib/users/routes';

/** GET /api/users?limit=&cursor= */
export const handler = securedRoute({ scope: 'users.read', query: listUsersQuery }, async ({ query }, { users }) =>
  ok(await listUsers(users, query.limit, query.cursor)),
);
