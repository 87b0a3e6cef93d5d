import { users } from '../resource';
import { usersRepository } from '../repository';
import { ok } from '../../../lib/http/responses';
import { resourceRoute } from '../../../lib/resource/route';

/** GET /api/users/{id} */
export const handler = resourceRoute(users.routes.get, usersRepository, async ({ path }, { repository }) =>
  ok(await repository.get(path.id)),
);
