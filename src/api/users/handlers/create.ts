import { users } from '../resource';
import { usersRepository } from '../repository';
import { idempotentRequests } from '../../../lib/http/idempotency';
import { created } from '../../../lib/http/responses';
import { resourceRoute } from '../../../lib/resource/route';

/** POST /api/users */
export const handler = resourceRoute(
  users.routes.create,
  usersRepository,
  async ({ body }, { repository }) => {
    const user = await repository.create(body);
    return created(user, users.location(user.id));
  },
  idempotentRequests(),
);
