/**
 * The `POST /api/users` route's whole stack (token, secret, metrics, logging, HTTP rules, body
 * parsing and validation, Idempotency-Key) with a handler that answers from memory instead of the
 * database: what the stack costs by itself. Measured by scripts/bench.ts; not deployed.
 */
import { idempotentRequests } from '../../src/lib/http/idempotency';
import { securedRoute } from '../../src/lib/http/secured-route';
import { created } from '../../src/lib/http/responses';
import { userInputSchema } from '../../src/lib/users/model';
import { userLocation } from '../../src/lib/users/routes';

const stored = new Date(0).toISOString();
const id = '00000000-0000-7000-8000-000000000000';

export const handler = securedRoute({ scope: 'users.write', idempotency: idempotentRequests(), body: userInputSchema }, async ({ body }) =>
  created({ id, ...body, createdAt: stored, updatedAt: stored }, userLocation(id)),
);
