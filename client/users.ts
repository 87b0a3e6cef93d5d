/**
 * A frontend's client of the users routes, typed by the API's contract: `npm run client` writes
 * `./api.d.ts` beside this file, and openapi-fetch checks every path, parameter, body and answer
 * against it as the frontend compiles. Copy both files into a frontend and adapt.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './api';

export type User = components['schemas']['User'];
export type UserInput = components['schemas']['UserInput'];
type Problem = components['schemas']['Problem'];

/** An answer that is not the one asked for: the API's problem document (RFC 9457), or the gateway's throttling message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Problem | { message: string } | undefined,
  ) {
    super(body && 'detail' in body ? body.detail : (body?.message ?? `HTTP ${status}`));
    this.name = 'ApiError';
  }
}

/**
 * The users routes at `baseUrl` (`http://127.0.0.1:3000` from `npm start`, or a stage's HttpApiUrl), with an access
 * token the caller gets (locally from `npm run token`, in AWS from the stage's Cognito user pool).
 */
export function usersClient(baseUrl: string, accessToken: () => string | Promise<string>) {
  const api = createClient<paths>({ baseUrl });
  api.use({
    async onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${await accessToken()}`);
      return request;
    },
  });

  /** The data of a call that succeeded, or an ApiError with what the API said instead. */
  const dataOf = <T>(result: { data?: T; error?: unknown; response: Response }): T => {
    if (result.error !== undefined || !result.response.ok) throw new ApiError(result.response.status, result.error as Problem);
    return result.data as T;
  };

  return {
    /** Creates one user; a retry with the same `idempotencyKey` gets the first answer instead of a second one. */
    create: async (input: UserInput, idempotencyKey: string = crypto.randomUUID()) =>
      dataOf(await api.POST('/api/users', { body: input, params: { header: { 'idempotency-key': idempotencyKey } } })),

    get: async (id: string) => dataOf(await api.GET('/api/users/{id}', { params: { path: { id } } })),

    /** One page; pass its `next` as `cursor` for the following one, until `next` is null. */
    list: async (page: { limit?: number; cursor?: string } = {}) => dataOf(await api.GET('/api/users', { params: { query: page } })),

    replace: async (id: string, input: UserInput) => dataOf(await api.PUT('/api/users/{id}', { params: { path: { id } }, body: input })),

    remove: async (id: string) => {
      dataOf(await api.DELETE('/api/users/{id}', { params: { path: { id } } }));
    },
  };
}
