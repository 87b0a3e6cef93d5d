import * as z from 'zod/mini';
import { text, wholeNumber } from '../environment';

/** What the idempotent routes and their store share: the settings, the table's shape, and what identifies a retry. */
export const idempotencyEnvironmentSchema = z.object({
  IDEMPOTENCY_TABLE: text(),
  // How long a key is remembered: 24 hours unless the stage says otherwise.
  IDEMPOTENCY_TTL_SECONDS: z._default(wholeNumber(), 86_400),
  // One DynamoDB call, retries included, stays well inside the request's 3-second budget.
  IDEMPOTENCY_TIMEOUT_MS: z._default(wholeNumber(), 1000),
});

/** The table's key and TTL attributes (resources/idempotency.js declares the same). */
export const idempotencyTable = Object.freeze({ key: 'id', ttlAttribute: 'expiration' });

/** What identifies a retry (who, which route, which key) and what must be the same in it (the request). */
export interface IdempotentCall {
  key: { subject: string; clientId: string; route: string; key: string };
  request: { path: unknown; query: unknown; body: unknown };
}

export type IdempotencySettings = z.infer<typeof idempotencyEnvironmentSchema>;
