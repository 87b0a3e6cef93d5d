/**
 * The `POST /api/test-contacts` route's whole stack (token, secret, metrics, logging, HTTP rules, body
 * parsing and validation, Idempotency-Key) with a handler that answers from memory instead of the
 * database: what the stack costs by itself. Measured by scripts/bench.ts; not deployed.
 */
import { testContacts } from '../../test/fixtures/api/test-contacts/resource';
import { idempotentRequests } from '../../src/lib/http/idempotency';
import { created } from '../../src/lib/http/responses';
import { resourceRoute } from '../../src/lib/resource/route';

const stored = new Date(0).toISOString();
const id = '00000000-0000-7000-8000-000000000000';

export const handler = resourceRoute(
  testContacts.routes.create,
  () => undefined,
  async ({ body }) => created({ id, ...body, createdAt: stored, updatedAt: stored }, testContacts.location(id)),
  idempotentRequests(),
);
