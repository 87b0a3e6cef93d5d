import { httpRoute } from '../lib/http/route';
import { ok } from '../lib/http/responses';

/** GET /api/health/ready: one database round trip; 503 when the database cannot be reached. */
export const handler = httpRoute({ database: true }, async (_input, { db }) => {
  await db.ping();
  return ok({ status: 'ready' });
});
