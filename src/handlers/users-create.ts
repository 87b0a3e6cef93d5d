import { idempotentRequests } from '../lib/http/idempotency';
import { securedRoute } from '../lib/http/secured-route';
import { created } from '../lib/http/responses';
import { userInputSchema } from '../lib/users/model';
import { userLocation } from '../lib/users/routes';

/** POST /api/users */
export const handler = securedRoute(
  { scope: 'users.write', idempotency: idempotentRequests(), body: userInputSchema },
  async ({ body }, { users }) => {
    const user = await users.create(body);
    return created(user, userLocation(user.id));
  },
);
