import { httpRoute } from '../lib/http/route';
import { ok } from '../lib/http/responses';

/** GET /api/health/live: the process answers; no I/O. */
export const handler = httpRoute({}, async () => ok({ status: 'ok' }));
