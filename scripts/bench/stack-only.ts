/**
 * The `GET /api/test-contacts/{id}` route's whole stack (token, secret, metrics, logging, HTTP rules,
 * validation) with a handler that answers from memory instead of the database: what the stack
 * costs by itself. Measured by scripts/bench.ts; not deployed.
 */
import { testContacts } from '../../test/fixtures/api/test-contacts/resource';
import { ok } from '../../src/lib/http/responses';
import { resourceRoute } from '../../src/lib/resource/route';

const stored = new Date(0).toISOString();

export const handler = resourceRoute(
  testContacts.routes.get,
  () => undefined,
  async ({ path }) => ok({ id: path.id, email: 'stack@example.com', name: 'Stack Only', createdAt: stored, updatedAt: stored }),
);
