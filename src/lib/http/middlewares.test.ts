import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ConflictError } from '../errors';
import { problemDetails, requestBody } from './middlewares';
import { HttpError } from './problem';
import { fresh } from '../../../test/support/fresh';

type Before = (request: { event: Partial<APIGatewayProxyEventV2> }) => void;
const json = { 'content-type': 'application/json' };
const run = (event: Partial<APIGatewayProxyEventV2>, maxBytes = 64 * 1024) =>
  (requestBody({ maxBytes }).before as unknown as Before)({ event: { headers: json, ...event } });

const statusOf = (fn: () => void) => {
  try {
    fn();
    return 'passed';
  } catch (error) {
    return (error as HttpError).statusCode;
  }
};

/** requestBody from a module loaded in the test: the media type it accepts is a pattern built when the module loads. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const freshRequestBody = () => fresh(() => require('./middlewares') as typeof import('./middlewares')).requestBody;

describe('requestBody', () => {
  it('accepts exactly the limit and rejects one byte more with 413', () => {
    expect(statusOf(() => run({ body: 'a'.repeat(65536) }))).toBe('passed');
    expect(statusOf(() => run({ body: 'a'.repeat(65537) }))).toBe(413);
  });

  it('counts bytes, not characters', () => {
    expect(statusOf(() => run({ body: 'é'.repeat(40) }, 80))).toBe('passed');
    expect(statusOf(() => run({ body: 'é'.repeat(41) }, 80))).toBe(413);
  });

  it('measures base64 bodies by their decoded size', () => {
    const body = Buffer.alloc(300).toString('base64');
    expect(statusOf(() => run({ body, isBase64Encoded: true }, 300))).toBe('passed');
    expect(statusOf(() => run({ body, isBase64Encoded: true }, 299))).toBe(413);
  });

  it('rejects a missing, empty or null body with 400 (sls offline sends null for an empty request)', () => {
    expect(statusOf(() => run({}))).toBe(400);
    expect(statusOf(() => run({ body: '' }))).toBe(400);
    expect(statusOf(() => run({ body: null as never }))).toBe(400);
  });

  it('turns a body that sls offline already parsed (false, 0) back into JSON text', () => {
    for (const value of [false, 0]) {
      const event: Partial<APIGatewayProxyEventV2> = { body: value as never, headers: json };
      expect(statusOf(() => (requestBody().before as unknown as Before)({ event }))).toBe('passed');
      expect(event.body).toBe(String(value));
    }
  });

  it('compares the media type in any case, accepts +json types and a UTF-8 charset, and canonicalises the header', () => {
    const requestBody = freshRequestBody();
    for (const type of [
      'application/json',
      'application/vnd.api+json',
      'APPLICATION/JSON',
      'Application/Json; Charset="UTF-8"',
      'application/problem+json',
      'application/json;charset=utf-8',
    ]) {
      const event: Partial<APIGatewayProxyEventV2> = { body: '{}', headers: { 'content-type': type } };
      expect([type, statusOf(() => (requestBody().before as unknown as Before)({ event }))]).toEqual([type, 'passed']);
      expect(event.headers!['content-type']).toBe('application/json');
    }
  });

  it('answers 415 for another media type, another charset, or a content encoding it does not decode', () => {
    const requestBody = freshRequestBody();
    const status = (headers: Record<string, string>) =>
      statusOf(() => (requestBody().before as unknown as Before)({ event: { body: '{}', headers } }));
    for (const type of [
      'text/plain',
      'application/jsonx',
      'text/application/json',
      'application/x-www-form-urlencoded',
      'json',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
    ]) {
      expect([type, status({ 'content-type': type })]).toEqual([type, 415]);
    }
    expect(status({})).toBe(415);
    expect(status({ 'content-type': 'application/json', 'content-encoding': 'gzip' })).toBe(415);
    expect(status({ 'content-type': 'application/json', 'content-encoding': 'Identity' })).toBe('passed');
  });

  it('validates its options', () => {
    expect(() => requestBody({ maxBytes: 0 })).toThrow(TypeError);
    expect(() => requestBody({ maxBytes: 1.5 })).toThrow(TypeError);
  });

  it('agrees with Buffer.byteLength on random sizes (fuzz)', () => {
    for (let i = 0; i < 200; i += 1) {
      const size = Math.floor(Math.random() * 2000);
      const limit = Math.floor(Math.random() * 2000) + 1;
      expect(statusOf(() => run({ body: 'x'.repeat(size) || 'x' }, limit))).toBe(Math.max(size, 1) > limit ? 413 : 'passed');
    }
  });

  it('checks a 64 KB body in well under a millisecond (the median of 200 checks)', () => {
    const body = 'a'.repeat(65536);
    const times: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const started = performance.now();
      run({ body });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    // About 0.02 ms here: a hundredfold margin for a busy machine, which a check that copies or rescans the body crosses.
    expect(times[100]).toBeLessThan(1);
  });
});

describe('problemDetails', () => {
  const marker = 'SECRET-CONTENT-7f3a';
  const logged: unknown[][] = [];
  const logger = { info: (...args: unknown[]) => logged.push(args), error: (...args: unknown[]) => logged.push(args) } as unknown as Logger;
  const onError = problemDetails({ logger }).onError as unknown as (request: object) => void;

  it("never logs the request's content, not even a parser's message quoting it: reasons and sizes only", () => {
    const body = `{"email":"${marker}",`;
    // What @middy/http-json-body-parser throws for malformed JSON: its cause quotes the body.
    const parseError = Object.assign(new Error('Invalid or malformed JSON was provided'), {
      statusCode: 415,
      cause: { package: '@middy/http-json-body-parser', data: body, message: `Unexpected end of JSON input: ${marker}` },
    });
    const request = { error: parseError, event: { body, routeKey: 'POST /api/test-contacts' }, context: {}, response: undefined as any };
    onError(request);
    expect(request.response.statusCode).toBe(400);
    expect(JSON.stringify(logged)).not.toContain(marker);
    expect(logged.at(-1)).toEqual([
      'request rejected',
      {
        statusCode: 400,
        reason: 'Bad Request',
        errorName: 'Error',
        cause: { code: undefined, name: undefined },
        bodyBytes: Buffer.byteLength(body),
      },
    ]);
  });

  it("logs an expected refusal's cause by its code and name, and a request without a body without its size", () => {
    const error = new ConflictError('duplicate', { cause: { code: '23505', name: 'DatabaseError', detail: marker } });
    onError({ error, event: { routeKey: 'POST /api/test-contacts' }, context: {}, response: undefined });
    expect(logged.at(-1)).toEqual([
      'request rejected',
      {
        statusCode: 409,
        reason: 'Conflict',
        errorName: 'ConflictError',
        cause: { code: '23505', name: 'DatabaseError' },
        bodyBytes: undefined,
      },
    ]);
  });

  it('logs an unexpected failure as an error, with its name and the function version, and answers 500', () => {
    const request = {
      error: new TypeError('boom'),
      event: { routeKey: 'GET /api/test-contacts' },
      context: { functionVersion: '7' },
      response: undefined as any,
    };
    onError(request);
    expect(request.response.statusCode).toBe(500);
    expect(logged.at(-1)).toEqual([
      'request failed',
      { route: 'GET /api/test-contacts', errorName: 'TypeError', functionVersion: '7', error: request.error },
    ]);
  });
});

describe('requestBody: what each refusal says', () => {
  const refusal = (event: Partial<APIGatewayProxyEventV2>, maxBytes?: number) => {
    try {
      run(event, maxBytes);
      return 'passed';
    } catch (error) {
      return `${(error as HttpError).statusCode} ${(error as HttpError).message}`;
    }
  };

  it('names the limit, the encoding and the media type a client must use', () => {
    expect(refusal({ body: '' })).toBe('400 A JSON request body is required');
    expect(refusal({ body: 'a'.repeat(11) }, 10)).toBe('413 The request body must be at most 10 bytes');
    expect(refusal({ body: '{}', headers: { ...json, 'content-encoding': ' GZIP ' } })).toMatch(/^415 The request body must not be/);
    expect(refusal({ body: '{}', headers: { ...json, 'content-encoding': 'identity' } })).toBe('passed');
    expect(refusal({ body: '{}', headers: { 'content-type': 'text/plain' } })).toBe(
      '415 The request body must be JSON (Content-Type: application/json)',
    );
    expect(refusal({ body: '{}', headers: {} })).toBe('415 The request body must be JSON (Content-Type: application/json)');
    expect(refusal({ body: '{}', headers: { 'content-type': 'application/json; charset=latin1' } })).toMatch(
      /^415 The request body must be encoded in UTF-8/,
    );
  });

  it('reads only the charset parameter, by its name, with or without quotes', () => {
    for (const [type, outcome] of [
      ['application/json; charset', 'passed'],
      ['application/json; =utf-16', 'passed'],
      ['application/json; xcharset=latin1', 'passed'],
      ['application/json; foo=bar; CHARSET="latin1"', '415'],
      ['application/json; charset="utf-8"', 'passed'],
      ['application/json; charset=utf-8"', '415'],
      ['application/json; charset="utf-8', '415'],
      [' application/json ', 'passed'],
      // A parameter without "=" whose name only starts with charset, and a value with spaces around it.
      ['application/json; charsetX', 'passed'],
      ['application/json; charset= "UTF-8" ', 'passed'],
    ]) {
      expect([type, refusal({ body: '{}', headers: { 'content-type': type } }).split(' ')[0]]).toEqual([type, outcome]);
    }
  });

  it('reads an event with no headers as one with no media type', () => {
    expect(refusal({ body: '{}', headers: undefined })).toBe('415 The request body must be JSON (Content-Type: application/json)');
  });

  it('refuses a limit that is not a positive whole number, saying so', () => {
    expect(() => requestBody({ maxBytes: 0 })).toThrow('requestBody: maxBytes must be a positive integer');
  });
});
