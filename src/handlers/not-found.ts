import { NotFoundError } from '../lib/errors';
import { httpRoute } from '../lib/http/route';

/** Every unmatched method and path: a 404 problem document instead of API Gateway's bare message. */
export const handler = httpRoute({}, async () => {
  throw new NotFoundError('No route matches this method and path');
});
