import fc from 'fast-check';
import { resources } from '../../src/api/registry';
import type { Resource, ResourceRoute } from '../../src/lib/resource/resource';

/**
 * Generated hostile requests for every route: bodies of every JSON type and none, framing
 * headers in every spelling, path ids and query strings a careless parser would accept.
 */

/** Characters that break naive text handling: controls, format and zero-width, bidi, lone surrogates, astral, combining. */
const awkward = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\n',
  '\t',
  '\u007F',
  '\u0085',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u00AD',
  '\u202E',
  '\u2066',
  '\u061C',
  '\uD800',
  '\uDFFF',
  '\u{1F600}',
  '\u{1F469}\u200D\u{1F4BB}',
  'e\u0301',
  '\u00E9',
  '\u3000',
  ' ',
  '"',
  '\\',
  "'",
  '%00',
  '../',
  '<script>',
  "'; drop table test_contacts; --",
);

export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 3, arbitrary: fc.array(fc.oneof(awkward, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 150, max: 70_000 }).map((n) => 'x'.repeat(n)) },
);

const email = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}@[a-z]{2,8}\.(com|org|io)$/) },
  { weight: 2, arbitrary: fc.emailAddress() },
  // Addresses the tests create first, in other cases: conflicts.
  { weight: 1, arbitrary: fc.constantFrom('known0@example.com', 'KNOWN1@Example.com', ' known2@example.com ') },
  fc.emailAddress().map((address) => address.toUpperCase()),
  fc.emailAddress().map((address) => ` ${address}\u00A0`),
  hostileString.map((local) => `${local}@example.com`),
  hostileString,
);

/** Names a person could have, in any script. */
const plausibleName = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });

/** A JSON value of any type, with hostile strings in it, nested a few levels. */
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    hostileString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A user-shaped object with hostile fields, extra and prototype keys. */
const userLike = fc.record(
  {
    email: fc.oneof({ weight: 4, arbitrary: email }, { weight: 1, arbitrary: anyJson }),
    name: fc.oneof({ weight: 3, arbitrary: plausibleName }, { weight: 3, arbitrary: hostileString }, { weight: 1, arbitrary: anyJson }),
    id: fc.uuid(),
    extra: anyJson,
  },
  { requiredKeys: [] },
);

/** Mostly complete users, so that writes happen and conflicts arise. */
const userBody = fc.oneof({ weight: 3, arbitrary: fc.record({ email, name: plausibleName }) }, { weight: 2, arbitrary: userLike });

/** Raw JSON text with keys a JSON.stringify never writes: duplicates and prototype keys. */
const trickyObjectText = fc
  .tuple(email, hostileString, hostileString)
  .chain(([first, second, name]) =>
    fc.constantFrom(
      `{"email":${JSON.stringify(first)},"email":${JSON.stringify(second)},"name":${JSON.stringify(name)}}`,
      `{"__proto__":{"email":"x@example.com","name":"Polluted"},"email":${JSON.stringify(first)}}`,
      `{"constructor":{"prototype":{"admin":true}},"email":${JSON.stringify(first)},"name":${JSON.stringify(name)}}`,
      `{"email":${JSON.stringify(first)},"name":${JSON.stringify(name)},"name":null}`,
    ),
  );

/** A request body as the function receives it: absent, null, empty, any JSON text, malformed, deep or huge. */
export const hostileBody: fc.Arbitrary<string | null | undefined> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, '', 'null', ' ', '{}', '[]', '""', '0', 'true') },
  { weight: 6, arbitrary: userBody.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 2, arbitrary: trickyObjectText },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom('{"email":', '{email: 1}', "{'a':1}", '{"a":1}}', '\uFEFF{}', 'NaN') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
);

export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined,
      'APPLICATION/JSON',
      'Application/Json; charset=UTF-8',
      'application/json;charset="utf-8"',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/problem+json',
      'application/vnd.api+json',
      'application/jsonp',
      'text/json',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      '*/*',
      '',
      ';;;',
      'application/json; charset',
    ),
  },
);

export const contentEncoding = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'IDENTITY', 'gzip, identity', '') },
);

/** A path id: mostly well-formed UUIDs, often not. */
export const pathId = fc.oneof(
  { weight: 4, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.uuid().map((id) => id.toUpperCase()) },
  { weight: 3, arbitrary: hostileString.filter((id) => id.length > 0 && id.length < 2000) },
  { weight: 1, arbitrary: fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '{id}') },
);

const queryValue = fc.oneof(
  fc.constantFrom(
    '',
    '1',
    '20',
    '100',
    '101',
    '0',
    '-1',
    '+5',
    '1e2',
    '0x10',
    '0o7',
    '0b1',
    '5.0',
    ' 5',
    'NaN',
    '007',
    '99999999999999999999',
  ),
  hostileString,
);

/** Query parameters as pairs, so keys can repeat. */
export const queryPairs = fc.array(fc.tuple(fc.constantFrom('limit', 'cursor', 'other', 'LIMIT'), queryValue), { maxLength: 4 });

/** A URL carries bytes: text that is not well-formed UTF-16 arrives with U+FFFD in place of a lone surrogate. */
export const asUrlText = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

/** Percent-encodes the UTF-8 bytes of `text` (as a client does), whatever it holds. */
export const percentEncode = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** What API Gateway (payload 2.0) makes of query pairs: the raw string, and values of a repeated key joined by commas. */
export function queryOf(pairs: [string, string][]) {
  const rawQueryString = pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&');
  const parameters: Record<string, string> = {};
  for (const [key, raw] of pairs) {
    const value = asUrlText(raw);
    parameters[key] = key in parameters ? `${parameters[key]},${value}` : value;
  }
  return { rawQueryString, queryStringParameters: pairs.length ? parameters : undefined };
}

/**
 * The statuses a resource's route answers to hostile input, from its declaration: its success, 400/413/415 for a
 * body, 400 for a query, 404 for an id in the path, 409 for a body that may take a unique value. Never 401 or 403
 * (the requests carry every scope), 422 or an in-progress 409 (no key is reused), nor 503 (the database stays up).
 */
function routeStatuses(resource: Resource, route: ResourceRoute): number[] {
  const { path, query, body } = route.request;
  return [
    route.response.status,
    ...(body ? [400, 413, 415] : query ? [400] : []),
    ...(path ? [404] : []),
    ...(body && resource.conflict ? [409] : []),
  ].sort((a, b) => a - b);
}

/** The statuses each route documents, by `METHOD /path`: the resources', derived; the platform's own, listed. */
export const documentedStatuses: Record<string, number[]> = {
  ...Object.fromEntries(
    resources.flatMap((resource) =>
      Object.values(resource.routes).map((route) => [`${route.method} ${route.path}`, routeStatuses(resource, route)]),
    ),
  ),
  'GET /api/health/live': [200],
  'GET /api/health/ready': [200],
  'GET /api/health': [200],
  // The catch-all: 404, 405 for a known path's other method, or 204 for a CORS preflight.
  $default: [204, 404, 405],
};

/** The seed and number of cases: fixed by default, so a failure repeats; FUZZ_SEED and FUZZ_RUNS change them. */
export function fuzzParameters(defaultRuns: number): fc.Parameters<unknown> {
  const seed = Number(process.env.FUZZ_SEED ?? 20261123);
  return { seed, numRuns: Number(process.env.FUZZ_RUNS ?? defaultRuns), endOnFailure: true };
}

/** Enough time for FUZZ_RUNS cases (at most 30 ms each), and never less than 5 minutes. */
export const fuzzTimeoutMs = Math.max(300_000, Number(process.env.FUZZ_RUNS ?? 0) * 30);
