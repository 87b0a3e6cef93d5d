import { users } from '../resource';
import { usersRepository } from '../repository';
import { ok } from '../../../lib/http/responses';
import { listPage } from '../../../lib/resource/pagination';
import { resourceRoute } from '../../../lib/resource/route';

/** GET /api/users?limit=&cursor= */
export const handler = resourceRoute(users.routes.list, usersRepository, async ({ query }, { repository }) =>
  ok(await listPage(repository, query.limit, query.cursor)),
);
