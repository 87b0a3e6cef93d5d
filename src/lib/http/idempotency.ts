import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Caller } from '../auth/authenticate';
import { parseEnvironment } from '../environment';
import { IdempotencyKeyError, UnavailableError, ValidationError } from '../errors';
import type { HttpResult } from './responses';
import type { RouteInput } from './route';
import type { InputSchemas } from './input';
import { idempotencyEnvironmentSchema } from './idempotency-settings';

/** The request header of the IETF httpapi draft (draft-ietf-httpapi-idempotency-key-header). */
export const idempotencyKeyHeader = 'idempotency-key';
const maxKeyLength = 255;

/**
 * The header values `idempotencyKey` accepts, as the contract states them: a quoted string of 1 to 255 characters
 * (`\"` and `\\` escape one each), or 1 to 255 printable ASCII characters; not blank, not `""`.
 */
export const idempotencyKeyPattern = new RegExp(
  `^(?! *$)(?! *"" *$)(?:"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\["\\\\]){1,${maxKeyLength}}"|[\\x20-\\x7e]{1,${maxKeyLength}})$`,
);

/**
 * The key of an `Idempotency-Key` header: a Structured Field string (`"8e03978e-..."`, as the
 * draft writes it) or the same characters unquoted. Printable ASCII, 1 to 255 characters.
 */
export function idempotencyKey(headers: APIGatewayProxyEventV2['headers'] | undefined): string | undefined {
  const raw = headers?.[idempotencyKeyHeader];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  const quoted = /^"((?:[\x20-\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/.exec(value);
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, '$1') : value;
  const invalid = (message: string) => new ValidationError([{ field: 'Idempotency-Key', message }]);
  if (!key) throw invalid('must not be empty');
  if (key.length > maxKeyLength) throw invalid(`must be at most ${maxKeyLength} characters`);
  if (!/^[\x20-\x7e]+$/.test(key)) throw invalid('must be printable ASCII');
  return key;
}

/** Runs a request's handler (`run`), or answers with the stored response of its first attempt. */
export type IdempotentExecution = (
  run: () => Promise<HttpResult>,
  request: { event: APIGatewayProxyEventV2; context: Context; input: RouteInput<InputSchemas, { caller: Caller }> },
) => Promise<HttpResult>;

/** Powertools' errors, by name, as the service's: 409, 422 and 503. */
function serviceError(error: unknown): unknown {
  switch ((error as Error | undefined)?.name) {
    case 'IdempotencyAlreadyInProgressError':
      return new IdempotencyKeyError(409, 'A request with this Idempotency-Key is still in progress; retry after it completes', {
        cause: error,
      });
    case 'IdempotencyValidationError':
      return new IdempotencyKeyError(422, 'This Idempotency-Key was already used for a different request', { cause: error });
    case 'IdempotencyPersistenceLayerError':
    case 'IdempotencyUnknownError':
    case 'IdempotencyInconsistentStateError':
      return new UnavailableError(
        'idempotency-store',
        'The idempotency store failed',
        'The service cannot record this Idempotency-Key right now. Retry shortly.',
        1,
        {
          cause: error,
        },
      );
    default:
      return error;
  }
}

/**
 * Lets a route accept an `Idempotency-Key`: a request that carries one runs at most once per
 * caller, route and key (./idempotency-store.ts); one without runs as usual. The settings are
 * read when the route is built; the store and its DynamoDB client are loaded by the first request
 * that carries a key, so a container that never sees one never pays for them.
 */
export function idempotentRequests(): IdempotentExecution {
  const settings = parseEnvironment(idempotencyEnvironmentSchema, process.env, 'idempotency configuration');
  let store: ReturnType<typeof import('./idempotency-store').idempotencyStore> | undefined;
  return async (run, { event, context, input }) => {
    const key = idempotencyKey(event.headers);
    if (!key) return run();
    store ??= (await import('./idempotency-store')).idempotencyStore(settings);
    const { caller } = input;
    try {
      return await store(
        {
          key: { subject: caller.subject, clientId: caller.clientId, route: event.routeKey, key },
          request: { path: input.path ?? null, query: input.query ?? null, body: input.body ?? null },
        },
        context,
        run,
      );
    } catch (error) {
      throw serviceError(error);
    }
  };
}
