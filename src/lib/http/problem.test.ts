import { createError } from '@middy/util';
import {
  AccessDeniedError,
  ConflictError,
  DatabaseUnavailableError,
  IdempotencyKeyError,
  MethodNotAllowedError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '../errors';
import { HttpError, problemResponse, toProblem } from './problem';
import { fresh } from '../../../test/support/fresh';
import { expectProblemBody, statusTitles } from '../../../test/support/problems';
import { serviceName } from '../../../test/support/names';

const bodyOf = (error: unknown) => JSON.parse(problemResponse(error).response.body as string);

describe('problemResponse', () => {
  it.each([
    [new ValidationError([{ field: 'email', message: 'must be a valid email address' }]), 400],
    [new NotFoundError('No test contact has this id'), 404],
    [new MethodNotAllowedError(['GET', 'POST']), 405],
    [new ConflictError('A test contact with this email already exists'), 409],
    [new HttpError(413, 'too big'), 413],
    [new DatabaseUnavailableError('down'), 503],
    [new AccessDeniedError('An access token is required'), 401],
    [new AccessDeniedError('The access token has expired', 'invalid_token'), 401],
    [
      new AccessDeniedError(
        `The access token lacks the scope ${serviceName}/test-contacts.write`,
        'insufficient_scope',
        `${serviceName}/test-contacts.write`,
      ),
      403,
    ],
    [new IdempotencyKeyError(409, 'in progress'), 409],
    [new IdempotencyKeyError(422, 'different request'), 422],
    [new UnavailableError('token-keys', 'jwks down', 'Retry shortly.', 2), 503],
    [createError(415, 'Unsupported Media Type', { cause: { package: '@middy/http-json-body-parser' } }), 415],
    [createError(415, 'Invalid or malformed JSON was provided', { cause: { package: '@middy/http-json-body-parser' } }), 400],
    [new Error('boom'), 500],
  ])('maps %p to %i as application/problem+json', (error, status) => {
    const { response } = problemResponse(error);
    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject({ 'Content-Type': 'application/problem+json' });
    expectProblemBody(bodyOf(error), status);
  });

  it('names the methods a path has in Allow, and in the detail', () => {
    const { response } = problemResponse(new MethodNotAllowedError(['DELETE', 'GET', 'PUT']));
    expect(response.headers).toMatchObject({ Allow: 'DELETE, GET, PUT' });
    expect(bodyOf(new MethodNotAllowedError(['GET']))).toMatchObject({ status: 405, detail: 'This path answers GET only' });
  });

  it('names each invalid field', () => {
    const body = bodyOf(
      new ValidationError([
        { field: 'email', message: 'is required' },
        { field: 'name', message: 'must not be empty' },
      ]),
    );
    expect(body.errors).toEqual([
      { field: 'email', message: 'is required' },
      { field: 'name', message: 'must not be empty' },
    ]);
    expect(body.detail).toBe('email is required; name must not be empty');
  });

  it('challenges a refused request as RFC 6750 says: realm only without a token, the error and its scope otherwise', () => {
    const challenge = (error: AccessDeniedError) => problemResponse(error).response.headers!['WWW-Authenticate'];
    expect(challenge(new AccessDeniedError('An access token is required'))).toBe(`Bearer realm="${serviceName}"`);
    expect(challenge(new AccessDeniedError('The access token has expired', 'invalid_token'))).toBe(
      `Bearer realm="${serviceName}", error="invalid_token", error_description="The access token has expired"`,
    );
    expect(challenge(new AccessDeniedError('lacks "it" \\ é', 'insufficient_scope', `${serviceName}/test-contacts.write`))).toBe(
      `Bearer realm="${serviceName}", error="insufficient_scope", error_description="lacks it  ?", scope="${serviceName}/test-contacts.write"`,
    );
    expect(bodyOf(new AccessDeniedError('The access token has expired', 'invalid_token'))).toEqual({
      type: 'about:blank',
      status: 401,
      title: 'Unauthorized',
      detail: 'The access token has expired',
    });
    expect(bodyOf(new AccessDeniedError('no', 'insufficient_scope', 'x')).title).toBe('Forbidden');
    expect(bodyOf(new IdempotencyKeyError(422, 'different request')).title).toBe('Unprocessable Content');
  });

  it('shows a dependency outage by its own detail, never the logged message, with its Retry-After', () => {
    const { response } = problemResponse(
      new UnavailableError('token-keys', 'jwks.example.com timed out', 'The service cannot check access tokens right now.', 2),
    );
    expect(response.headers).toMatchObject({ 'Retry-After': '2' });
    expect(JSON.parse(response.body as string).detail).toBe('The service cannot check access tokens right now.');
  });

  it('adds Retry-After to 503', () => {
    expect(problemResponse(new DatabaseUnavailableError('down', 2)).response.headers).toMatchObject({ 'Retry-After': '2' });
  });

  it('never leaks the message, stack or SQL of an unexpected error', () => {
    const error = Object.assign(new Error('relation "users" does not exist: select * from test_contacts'), { code: '42P01' });
    const raw = problemResponse(error).response.body as string;
    expect(raw).not.toMatch(/relation|select|users|at |42P01/);
    expect(problemResponse(error).expected).toBe(false);
  });
});

describe('toProblem', () => {
  it('marks every client or dependency error as expected (logged as such), and only the unknown as unexpected', () => {
    const expected = [
      new ValidationError([{ field: 'email', message: 'must be a string' }]),
      new NotFoundError('No test contact has this id'),
      new ConflictError('A test contact with this email already exists'),
      new AccessDeniedError('An access token is required'),
      new IdempotencyKeyError(422, 'different request'),
      new DatabaseUnavailableError('down'),
      new HttpError(413, 'too big'),
      createError(415, 'Unsupported Media Type', { cause: { package: '@middy/http-json-body-parser' } }),
      createError(415, 'Invalid or malformed JSON was provided', { cause: { package: '@middy/http-json-body-parser' } }),
    ];
    for (const error of expected) expect([error.message, toProblem(error).expected]).toEqual([error.message, true]);
    expect(toProblem(new Error('boom')).expected).toBe(false);
  });

  it("shows a middleware's message only when it is the JSON parser's, and only for an Error with a numeric status", () => {
    // Another package's HTTP error, or one without a cause, could carry anything: a 500 that says nothing.
    for (const error of [
      createError(400, 'internal detail', { cause: { package: '@middy/other' } }),
      createError(400, 'internal detail'),
      Object.assign(new Error('internal detail'), { statusCode: '400', cause: { package: '@middy/http-json-body-parser' } }),
      { statusCode: 400, message: 'internal detail', cause: { package: '@middy/http-json-body-parser' } },
    ]) {
      const { problem, expected } = toProblem(error);
      expect({ status: problem.status, detail: problem.detail, expected }).toEqual({
        status: 500,
        detail: 'An unexpected error occurred',
        expected: false,
      });
    }
  });
});

describe('the titles and the challenge, on a module loaded afresh (they are built when it loads)', () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const load = () =>
    fresh(() => ({
      problem: require('./problem') as typeof import('./problem'),
      errors: require('../errors') as typeof import('../errors'),
    }));
  /* eslint-enable @typescript-eslint/no-require-imports */

  it('titles each status as RFC 9110 names it, and another as Error', () => {
    const { problem } = load();
    const titleOf = (status: number) =>
      JSON.parse(problem.problemResponse(new problem.HttpError(status, 'x')).response.body as string).title;
    const statuses = [...Object.keys(statusTitles).map(Number), 418];
    expect(Object.fromEntries(statuses.map((status) => [status, titleOf(status)]))).toEqual({ ...statusTitles, 418: 'Error' });
  });

  it('challenges in its realm, with quoted-strings that hold no quote, backslash or non-ASCII character', () => {
    const { problem, errors } = load();
    const refused = new errors.AccessDeniedError(
      'The "access" token\\ has expired\u00e9',
      'invalid_token',
      `${serviceName}/test-contacts.read`,
    );
    expect(problem.bearerChallenge(refused)).toBe(
      `Bearer realm="${serviceName}", error="invalid_token", error_description="The access token has expired?", scope="${serviceName}/test-contacts.read"`,
    );
  });
});
