import { httpRoute } from '../lib/http/route';
import { ok } from '../lib/http/responses';
import { listUsers } from '../lib/users/pagination';
import { listUsersQuery } from '../lib/users/routes';

/** GET /api/users?limit=&cursor= */
export const handler = httpRoute({ query: listUsersQuery, database: true }, async ({ query }, { users }) =>
  ok(await listUsers(users, query.limit, query.cursor)),
);
