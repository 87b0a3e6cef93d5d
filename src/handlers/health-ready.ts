import { databaseRoute } from '../lib/http/database-route';
import { ok } from '../lib/http/responses';

/** GET /api/health/ready: one database round trip; 503 when the database cannot be reached. */
export const handler = databaseRoute({}, async (_input, { db }) => {
  await db.ping();
  return ok({ status: 'ready' });
});
