import { config } from '../lib/config';
import { databaseRoute } from '../lib/http/database-route';
import { ok } from '../lib/http/responses';
import { takeColdStart } from '../lib/lifecycle';

/** GET /api/health: diagnostics for operators. */
export const handler = databaseRoute({}, async (_input, { db }) => {
  const coldStart = takeColdStart();
  const roundTripMs = await db.ping();
  return ok({
    status: 'ok',
    service: config.serviceName,
    version: config.serviceVersion,
    stage: config.stage,
    coldStart,
    database: { status: 'ok', roundTripMs },
  });
});
