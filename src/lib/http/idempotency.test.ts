import { httpEvent, lambdaContext } from '../../../test/support/events';
import { withEnv } from '../../../test/support/fresh';
import { IdempotencyKeyError, NotFoundError, UnavailableError, ValidationError } from '../errors';
import fc from 'fast-check';
import { idempotencyKey, idempotencyKeyPattern, idempotentRequests } from './idempotency';
import type { IdempotentCall } from './idempotency-settings';
import { created } from './responses';

/** The store (Powertools on DynamoDB, tested in test/integration/idempotency.test.ts) as a stand-in that records each call, or fails. */
const mockStore = { calls: [] as IdempotentCall[], failure: undefined as { reason: unknown } | undefined };
jest.mock('./idempotency-store', () => ({
  idempotencyStore: () => async (call: IdempotentCall, _context: unknown, run: () => Promise<unknown>) => {
    mockStore.calls.push(call);
    if (mockStore.failure) throw mockStore.failure.reason;
    return run();
  },
}));

const keyOf = (value?: string) => {
  try {
    return idempotencyKey(value === undefined ? {} : { 'idempotency-key': value });
  } catch (error) {
    return `400: ${(error as ValidationError).issues.map((issue) => `${issue.field} ${issue.message}`).join('; ')}`;
  }
};

describe('idempotencyKey', () => {
  it('is absent without the header, and in an event without headers', () => {
    expect(keyOf()).toBeUndefined();
    expect(idempotencyKey(undefined)).toBeUndefined();
  });

  it('reads a Structured Field string, as the draft writes it, and the same characters unquoted', () => {
    expect(keyOf('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(keyOf('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(keyOf('"with \\"escapes\\" and \\\\"')).toBe('with "escapes" and \\');
    expect(keyOf('  spaced  ')).toBe('spaced');
  });

  it('accepts 255 characters and refuses 256 with 400', () => {
    expect(keyOf('k'.repeat(255))).toBe('k'.repeat(255));
    expect(keyOf('k'.repeat(256))).toBe('400: Idempotency-Key must be at most 255 characters');
    expect(keyOf(`"${'k'.repeat(256)}"`)).toBe('400: Idempotency-Key must be at most 255 characters');
  });

  it('refuses an empty key and one that is not printable ASCII with 400', () => {
    expect(keyOf('')).toBe('400: Idempotency-Key must not be empty');
    expect(keyOf('""')).toBe('400: Idempotency-Key must not be empty');
    expect(keyOf('   ')).toBe('400: Idempotency-Key must not be empty');
    expect(keyOf('clé')).toBe('400: Idempotency-Key must be printable ASCII');
    expect(keyOf('a\tb')).toBe('400: Idempotency-Key must be printable ASCII');
  });
});

describe("idempotencyKeyPattern, the contract's statement of the header", () => {
  it('matches exactly the values idempotencyKey accepts, as HTTP delivers them (no surrounding whitespace)', () => {
    const unit = fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '~', '\t', 'é', '\u0000', '\u007f');
    const text = fc.string({ unit, maxLength: 12 });
    const long = fc.integer({ min: 250, max: 260 }).map((length) => 'k'.repeat(length));
    const value = fc
      .oneof(
        text,
        text.map((inner) => `"${inner}"`),
        long,
        long.map((inner) => `"${inner}"`),
        long.map((inner) => `"${inner.slice(6)}\\"\\\\"`),
      )
      .filter((candidate) => candidate === candidate.trim());
    fc.assert(
      fc.property(value, (candidate) => {
        const accepted = !String(keyOf(candidate)).startsWith('400');
        expect([candidate, idempotencyKeyPattern.test(candidate)]).toEqual([candidate, accepted]);
      }),
      { numRuns: 3000, seed: 20261207 },
    );
  });
});

describe('idempotencyKey: quotes', () => {
  it('unquotes only a value that starts and ends with a quote; other quotes are part of the key', () => {
    expect(keyOf('x"abc"')).toBe('x"abc"');
    expect(keyOf('"abc"x')).toBe('"abc"x');
    expect(keyOf('"a"b"')).toBe('"a"b"');
  });
});

describe('idempotentRequests', () => {
  const caller = { subject: 'user-1', clientId: 'client-1', scopes: [] };
  const event = (key?: string) =>
    httpEvent({ method: 'POST', path: '/api/test-contacts', route: '/api/test-contacts', headers: key ? { 'idempotency-key': key } : {} });
  const run = async () => created({ id: 'u1' }, '/api/test-contacts/u1');
  const execute = (input: Record<string, unknown> = {}, key = 'k1') =>
    withEnv({ IDEMPOTENCY_TABLE: 'idempotency' }, idempotentRequests)(run, {
      event: event(key),
      context: lambdaContext(),
      input: { caller, ...input } as never,
    });

  beforeEach(() => {
    mockStore.calls.length = 0;
    mockStore.failure = undefined;
  });

  it('runs a request without a key as it is, without the store', async () => {
    const result = await withEnv({ IDEMPOTENCY_TABLE: 'idempotency' }, idempotentRequests)(run, {
      event: event(),
      context: lambdaContext(),
      input: { caller } as never,
    });
    expect(result.statusCode).toBe(201);
    expect(mockStore.calls).toEqual([]);
  });

  it('keys a request by its caller, route and key, and compares its path, query and body (null when the route takes none)', async () => {
    await execute({ body: { name: 'x' } });
    await execute({ path: { id: 'u1' }, query: { limit: 1 } });
    expect(mockStore.calls).toEqual([
      {
        key: { subject: 'user-1', clientId: 'client-1', route: 'POST /api/test-contacts', key: 'k1' },
        request: { path: null, query: null, body: { name: 'x' } },
      },
      {
        key: { subject: 'user-1', clientId: 'client-1', route: 'POST /api/test-contacts', key: 'k1' },
        request: { path: { id: 'u1' }, query: { limit: 1 }, body: null },
      },
    ]);
  });

  const failure = (name: string) => Object.assign(new Error(`${name} happened`), { name });

  it("answers the store's refusals as 409 and 422, with Powertools' error as the cause", async () => {
    for (const [name, status, message] of [
      ['IdempotencyAlreadyInProgressError', 409, 'A request with this Idempotency-Key is still in progress; retry after it completes'],
      ['IdempotencyValidationError', 422, 'This Idempotency-Key was already used for a different request'],
    ] as const) {
      const reason = failure(name);
      mockStore.failure = { reason };
      const error = await execute().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(IdempotencyKeyError);
      expect(error).toMatchObject({ statusCode: status, message, cause: reason });
    }
  });

  it("answers the store's own failures as its 503, with Powertools' error as the cause", async () => {
    for (const name of ['IdempotencyPersistenceLayerError', 'IdempotencyUnknownError', 'IdempotencyInconsistentStateError']) {
      const reason = failure(name);
      mockStore.failure = { reason };
      const error = await execute().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error).toMatchObject({
        cause503: 'idempotency-store',
        message: 'The idempotency store failed',
        detail: 'The service cannot record this Idempotency-Key right now. Retry shortly.',
        retryAfterSeconds: 1,
        cause: reason,
      });
    }
  });

  it("passes on the handler's own errors, and whatever else is thrown, as they are", async () => {
    for (const thrown of [new NotFoundError('gone'), failure('TypeError'), undefined, 'text']) {
      mockStore.failure = { reason: thrown };
      await expect(execute()).rejects.toBe(thrown);
    }
  });

  it('names its configuration when a setting is missing', () => {
    expect(() => withEnv({ IDEMPOTENCY_TABLE: undefined }, idempotentRequests)).toThrow(
      'Invalid idempotency configuration: IDEMPOTENCY_TABLE',
    );
  });
});
