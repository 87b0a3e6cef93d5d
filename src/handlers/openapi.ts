import { contract } from '../api/contract';
import { httpRoute } from '../lib/http/route';
import { ok } from '../lib/http/responses';

/** GET /api/openapi.json: the API's contract, generated from its resources when the bundle is built. No token needed. */
export const handler = httpRoute({}, async () => ok(contract));
