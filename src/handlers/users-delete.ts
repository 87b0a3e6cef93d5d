import { idempotentRequests } from '../lib/http/idempotency';
import { securedRoute } from '../lib/http/secured-route';
import { noContent } from '../lib/http/responses';
import { userIdPath } from '../lib/users/routes';

/** DELETE /api/users/{id} */
export const handler = securedRoute(
  { scope: 'users.write', idempotency: idempotentRequests(), path: userIdPath },
  async ({ path }, { users }) => {
    await users.remove(path.id);
    return noContent();
  },
);
