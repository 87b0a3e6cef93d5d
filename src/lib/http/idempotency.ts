import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { parseEnvironment } from '../config';
import { IdempotencyKeyError, UnavailableError, ValidationError } from '../errors';
import type { HttpResult } from './responses';

const idempotencyEnvironmentSchema = z.object({
  IDEMPOTENCY_TABLE: z.string().min(1),
  // How long a key is remembered: 24 hours unless the stage says otherwise.
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().positive().default(86_400),
  // One DynamoDB call, retries included, stays well inside the request's 3-second budget.
  IDEMPOTENCY_TIMEOUT_MS: z.coerce.number().int().positive().default(1000),
});

/** The table's key and TTL attributes (resources/idempotency.js declares the same). */
export const idempotencyTable = Object.freeze({ key: 'id', ttlAttribute: 'expiration' });

/** The request header of the IETF httpapi draft (draft-ietf-httpapi-idempotency-key-header). */
export const idempotencyKeyHeader = 'idempotency-key';
const maxKeyLength = 255;

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

/** What identifies a retry (who, which route, which key) and what must be the same in it (the request). */
export interface IdempotentCall {
  key: { subject: string; clientId: string; route: string; key: string };
  request: { path: unknown; query: unknown; body: unknown };
}

/** Tells the client that a response is the stored first one (as Stripe and others do). */
export const replayedHeader = 'Idempotent-Replayed';

function errorOf(error: unknown): unknown {
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
 * Runs `execute` at most once per caller, route and key (Powertools idempotency on DynamoDB): a
 * retry with the same request gets the stored first response, with `Idempotent-Replayed: true`;
 * the same key with another request is 422; a retry while the first still runs is 409. A failed
 * first attempt stores nothing, so its retry runs again. When the store cannot be reached, the
 * request is not executed (503). The settings are read when the route is built.
 */
export function idempotentRunner() {
  const env = parseEnvironment(idempotencyEnvironmentSchema, process.env, 'idempotency configuration');
  const client = new DynamoDBClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: Math.floor(env.IDEMPOTENCY_TIMEOUT_MS / 2), requestTimeout: env.IDEMPOTENCY_TIMEOUT_MS },
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds: env.IDEMPOTENCY_TTL_SECONDS,
    responseHook: (response) => {
      const result = response as HttpResult;
      return { ...result, headers: { ...result.headers, [replayedHeader]: 'true' } };
    },
  });
  const run = makeIdempotent((_call: IdempotentCall, execute: () => Promise<HttpResult>) => execute(), {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: env.IDEMPOTENCY_TABLE,
      keyAttr: idempotencyTable.key,
      expiryAttr: idempotencyTable.ttlAttribute,
      awsSdkV3Client: client,
    }),
    config,
    dataIndexArgument: 0,
  });
  return async (call: IdempotentCall, context: Context, execute: () => Promise<HttpResult>): Promise<HttpResult> => {
    // How long an in-progress record blocks a retry: until this invocation would have timed out.
    config.registerLambdaContext(context);
    try {
      return (await run(call, execute)) as HttpResult;
    } catch (error) {
      throw errorOf(error);
    }
  };
}
