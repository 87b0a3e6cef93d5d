import { idempotentRequests } from '../lib/http/idempotency';
import { securedRoute } from '../lib/http/secured-route';
import { ok } from '../lib/http/responses';
import { userInputSchema } from '../lib/users/model';
import { userIdPath } from '../lib/users/routes';

/** PUT /api/users/{id}: replaces email and name. */
export const handler = securedRoute(
  { scope: 'users.write', idempotency: idempotentRequests(), path: userIdPath, body: userInputSchema },
  async ({ path, body }, { users }) => ok(await users.replace(path.id, body)),
);
