import { users } from '../resource';
import { usersRepository } from '../repository';
import { idempotentRequests } from '../../../lib/http/idempotency';
import { noContent } from '../../../lib/http/responses';
import { resourceRoute } from '../../../lib/resource/route';

/** DELETE /api/users/{id} */
export const handler = resourceRoute(
  users.routes.delete,
  usersRepository,
  async ({ path }, { repository }) => {
    await repository.remove(path.id);
    return noContent();
  },
  idempotentRequests(),
);
