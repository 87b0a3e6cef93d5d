import { users } from '../resource';
import { usersRepository } from '../repository';
import { idempotentRequests } from '../../../lib/http/idempotency';
import { ok } from '../../../lib/http/responses';
import { resourceRoute } from '../../../lib/resource/route';

/** PUT /api/users/{id}: replaces email and name. */
export const handler = resourceRoute(
  users.routes.update,
  usersRepository,
  async ({ path, body }, { repository }) => ok(await repository.replace(path.id, body)),
  idempotentRequests(),
);
