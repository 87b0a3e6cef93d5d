import { contract } from '../api/contract';
import { MethodNotAllowedError, NotFoundError } from '../lib/errors';
import { httpRoute } from '../lib/http/route';
import { routeTable } from '../lib/openapi/route-table';

// The contract's paths and their methods, read once per container.
const routes = routeTable(contract);

/**
 * Every unmatched method and path: a known path asked with a method it does not have is 405 with `Allow`
 * (RFC 9110, 15.5.6); any other path is 404. Both are problem documents, not API Gateway's bare message.
 */
export const handler = httpRoute({}, async ({ request }) => {
  const allowed = routes.methodsOf(request.path);
  if (allowed) throw new MethodNotAllowedError(allowed);
  throw new NotFoundError('No route matches this method and path');
});
