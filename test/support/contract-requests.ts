import fc from 'fast-check';
import { requestBodyDefaults } from '../../src/lib/http/middlewares';
import { routeTable } from '../../src/lib/openapi/route-table';
import { contract, pointer, validate } from './contract';
import { asUrlText, hostileString, percentEncode } from './hostile-input';
import type { RawReply } from './offline';

/**
 * Requests made from openapi.json alone: each operation's parameters and body drawn from what their
 * schemas allow and from what they do not, each classified by the contract (ajv) before it is sent.
 * The server must accept what the contract calls valid, or answer it with a documented state
 * conflict, and refuse what it calls invalid with a 400 or 422 (a path that names nothing: 404).
 */

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
  example?: unknown;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema; example?: unknown }> };
  responses: Record<string, unknown>;
}

/** One operation of the contract, where it sits in it. */
interface Documented {
  method: string;
  template: string;
  operation: Operation;
  at: string;
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'trace'];

/** The contract's operations, writes first so that reads and replacements find something. */
export function documentedOperations(): Documented[] {
  const found = Object.entries(contract.paths as Record<string, Record<string, Operation>>).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), template, operation, at: pointer('', 'paths', template, method) })),
  );
  const order = ['POST', 'GET', 'PUT', 'DELETE'];
  return found.sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));
}

const resolved = (schema: Schema): Schema =>
  schema.$ref
    ? resolved(
        schema.$ref
          .slice(2)
          .split('/')
          .reduce<any>((node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')], contract),
      )
    : schema;

/** A pattern without its look-arounds, which fast-check cannot generate from: the contract still judges what it makes. */
function patternStrings(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    const arbitrary = fc.stringMatching(new RegExp(pattern.replace(/\(\?<?[=!](?:[^()]|\([^()]*\))*\)/g, '')));
    fc.sample(arbitrary, 1);
    return arbitrary;
  } catch {
    return undefined; // Unicode property escapes and the like: the other sources cover such a field.
  }
}

/** Strings around what `schema` allows: its examples, its pattern, its length bounds, and any text at all. */
function stringsFor(schema: Schema, example: unknown): fc.Arbitrary<string> {
  const fromPattern = schema.pattern ? patternStrings(schema.pattern) : undefined;
  const bounds = [schema.minLength, schema.maxLength].filter((bound): bound is number => bound !== undefined);
  const sources: fc.WeightedArbitrary<string>[] = [
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    ...(schema.enum ? [{ weight: 6, arbitrary: fc.constantFrom(...(schema.enum as string[])) }] : []),
    ...(fromPattern ? [{ weight: 6, arbitrary: fromPattern }] : []),
    ...(schema.format === 'uuid' ? [{ weight: 4, arbitrary: fc.uuid() }] : []),
    ...(schema.format === 'email' || /email/i.test(String(example)) ? [{ weight: 4, arbitrary: fc.emailAddress() }] : []),
    ...(typeof example === 'string'
      ? [{ weight: 3, arbitrary: fc.constantFrom(example, ` ${example}\t`, example.toUpperCase(), `${example}\u0000`, `\u202E${example}`) }]
      : []),
    ...bounds.flatMap((bound) => [
      { weight: 1, arbitrary: fc.constantFrom(bound - 1, bound, bound + 1).map((length) => 'é'.repeat(Math.max(length, 0))) },
      { weight: 1, arbitrary: fc.constantFrom(bound, bound + 1).map((length) => `${'a'.repeat(Math.max(length - 12, 1))}@example.com`) },
    ]),
  ];
  return fc.oneof(...sources);
}

const otherTypes = fc.constantFrom<unknown>(null, true, 42, 1.5, [], {});

/** JSON values around what `schema` allows, for a body: its properties' values, each now and then missing or of another type. */
function valuesFor(schema: Schema, example: unknown): fc.Arbitrary<unknown> {
  schema = resolved(schema);
  if (schema.type === 'object') {
    const properties = Object.entries(schema.properties ?? {});
    const examples = (example ?? {}) as Record<string, unknown>;
    const object = fc.record(
      Object.fromEntries(
        properties.map(([name, property]) => [
          name,
          fc.oneof({ weight: 12, arbitrary: valuesFor(property, examples[name]) }, { weight: 1, arbitrary: fc.constant(undefined) }),
        ]),
      ),
    );
    return fc.oneof(
      {
        weight: 12,
        arbitrary: object.map((value) => Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined))),
      },
      { weight: 1, arbitrary: otherTypes },
    );
  }
  if (schema.type === 'integer') return fc.oneof({ weight: 6, arbitrary: integersFor(schema) }, { weight: 1, arbitrary: otherTypes });
  return fc.oneof({ weight: 8, arbitrary: stringsFor(schema, example) }, { weight: 1, arbitrary: otherTypes });
}

function integersFor(schema: Schema): fc.Arbitrary<number> {
  const low = schema.minimum ?? -1000;
  const high = schema.maximum ?? 1000;
  return fc.integer({ min: low - 3, max: high + 3 });
}

/** A parameter's value as text, as a URL or header carries it. */
function parameterText(parameter: Parameter): fc.Arbitrary<string> {
  const schema = resolved(parameter.schema);
  if (schema.type === 'integer') {
    return fc.oneof({ weight: 6, arbitrary: integersFor(schema).map(String) }, { weight: 1, arbitrary: fc.constantFrom('', 'ten', '2.5') });
  }
  const strings = stringsFor(schema, parameter.example);
  // A header carries visible ASCII, and HTTP drops the whitespace around a value: such are the values a client can send.
  // API Gateway refuses a request line or headers over 10 KB before any function runs (so does Node.js's parser over 16 KB).
  const sendable = strings.filter((value) => value.length < 600);
  return parameter.in === 'header' ? sendable.filter((value) => /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value)) : sendable;
}

/** What a query string's text reads as under the parameter's schema: a number for an integer written as one. */
function parameterValue(schema: Schema, text: string): unknown {
  return resolved(schema).type === 'integer' && /^-?(0|[1-9]\d*)$/.test(text) ? Number(text) : text;
}

/** How a path parameter is filled: an item the run created, any UUID, or whatever was drawn. */
type PathValue = { known: number } | { text: string };

interface Draft {
  parameters: Record<string, PathValue | string | undefined>;
  body?: unknown;
}

function draftsFor({ operation }: Documented): fc.Arbitrary<Draft> {
  const parameters = Object.fromEntries(
    (operation.parameters ?? []).map((parameter) => {
      const text = parameterText(parameter);
      const value: fc.Arbitrary<PathValue | string | undefined> =
        parameter.in === 'path'
          ? fc.oneof(
              { weight: 4, arbitrary: fc.nat().map((known) => ({ known })) },
              { weight: 2, arbitrary: text.filter((value) => !['', '.', '..'].includes(value)).map((value) => ({ text: value })) },
            )
          : parameter.required
            ? text
            : fc.oneof({ weight: 2, arbitrary: text }, { weight: 1, arbitrary: fc.constant(undefined) });
      return [`${parameter.in} ${parameter.name}`, value];
    }),
  );
  const json = operation.requestBody?.content['application/json'];
  return fc.record({
    parameters: fc.record(parameters),
    ...(json && { body: valuesFor(json.schema, json.example) }),
  }) as fc.Arbitrary<Draft>;
}

export interface ContractRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: string;
  /** Where the contract finds the request invalid, and why; empty when it is valid. */
  invalid: string[];
  /** What the contract calls for: acceptance (or a state conflict), a refusal, 404 for a path that names nothing, 405. */
  expected: 'accepted' | 'refused' | 'too large' | 'no such item' | 'no such method';
}

const expectations = {
  accepted: {
    statuses: (status: number) => (status >= 200 && status < 300) || [404, 409, 412, 422].includes(status),
    text: 'is accepted, or answered 404, 409, 412 or 422',
  },
  refused: { statuses: (status: number) => [400, 422].includes(status), text: 'is refused with 400 or 422' },
  'too large': { statuses: (status: number) => status === 413, text: `is 413 (a body over ${requestBodyDefaults.maxBytes} bytes)` },
  'no such item': { statuses: (status: number) => status === 404, text: 'is 404 (its path names nothing)' },
  'no such method': { statuses: (status: number) => status === 405, text: 'is 405 (the path does not have the method)' },
};

/** Whether `location` is a path of `template`. */
const isPathOf = (template: string, location: string) => Boolean(routeTable({ paths: { [template]: { get: {} } } }).methodsOf(location));

/** The request a draft makes once the run's created items are known, judged by the contract. */
function requestOf(documented: Documented, draft: Draft, created: string[]): ContractRequest {
  const { method, template, operation, at } = documented;
  const invalid: string[] = [];
  const invalidIn = new Set<string>();
  const refuse = (where: string, reason: string) => {
    invalid.push(reason);
    invalidIn.add(where);
  };
  const headers: Record<string, string> = {};
  const query: string[] = [];
  let target = template;
  (operation.parameters ?? []).forEach((parameter, index) => {
    const drawn = draft.parameters[`${parameter.in} ${parameter.name}`];
    if (drawn === undefined) {
      if (parameter.required) refuse(parameter.in, `${parameter.name} is missing`);
      return;
    }
    let text: string;
    if (typeof drawn === 'string') text = drawn;
    else if ('text' in drawn) text = drawn.text;
    else {
      const items = created.filter((location) => isPathOf(template, location));
      text = items.length ? decodeURIComponent(items[drawn.known % items.length]!.split('/').at(-1)!) : String(parameter.example);
    }
    // What arrives is text: a lone surrogate in a URL becomes U+FFFD.
    const arrives = parameter.in === 'header' ? text : asUrlText(text);
    const errors = validate(`${at}/parameters/${index}/schema`, parameterValue(parameter.schema, arrives));
    if (errors.length) refuse(parameter.in, `${parameter.in} ${parameter.name} ${errors.join(', ')}`);
    if (parameter.in === 'path') target = target.replace(`{${parameter.name}}`, percentEncode(text));
    else if (parameter.in === 'query') query.push(`${percentEncode(parameter.name)}=${percentEncode(text)}`);
    else headers[parameter.name] = text;
  });
  let body: string | undefined;
  if (operation.requestBody) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(draft.body);
    const errors = validate(`${at}/requestBody/content/${pointer('application/json')}/schema`, draft.body);
    if (errors.length) refuse('body', `body ${errors.join(', ')}`);
    // The size limit is the operation's documented 413, which no schema states: such a body is refused before it is read.
    if (Buffer.byteLength(body) > requestBodyDefaults.maxBytes) refuse('size', `the body is over ${requestBodyDefaults.maxBytes} bytes`);
  }
  return {
    method,
    target: query.length ? `${target}?${query.join('&')}` : target,
    headers,
    ...(body !== undefined && { body }),
    invalid,
    // The body's size is checked before anything is read; then the path: one that names nothing is 404 whatever else the request holds.
    expected: invalidIn.has('size') ? 'too large' : invalidIn.has('path') ? 'no such item' : invalid.length ? 'refused' : 'accepted',
  };
}

/** Why the answer to `request` is not the one the contract calls for; undefined when it is. */
export function mismatch(request: ContractRequest, reply: RawReply): string | undefined {
  const expected = expectations[request.expected];
  if (expected.statuses(reply.status)) return undefined;
  return [
    `${request.method} ${request.target}: the contract says it ${expected.text}${request.invalid.length ? ` (${request.invalid.join('; ')})` : ''}, the server answered ${reply.status}`,
    `  headers ${JSON.stringify(request.headers)}${request.body === undefined ? '' : `, body ${request.body.slice(0, 300)}`}`,
    `  answer ${reply.text.slice(0, 300)}`,
  ].join('\n');
}

/** A path of `template` with each parameter's example, as its operations give them. */
function exampleTarget(template: string): string {
  const parameters = documentedOperations()
    .filter((documented) => documented.template === template)
    .flatMap(({ operation }) => operation.parameters ?? []);
  return template.replace(/\{([^}]+)\}/g, (_whole, name: string) =>
    percentEncode(String(parameters.find((parameter) => parameter.in === 'path' && parameter.name === name)!.example)),
  );
}

/** The seed and runs per operation: fixed, so a mismatch repeats; FUZZ_SEED and FUZZ_RUNS change them. */
export const contractDriveParameters = () => ({
  seed: Number(process.env.FUZZ_SEED ?? 20261207),
  runs: Number(process.env.FUZZ_RUNS ?? 60),
});

export type Send = (method: string, target: string, headers: Record<string, string>, body?: string) => Promise<RawReply>;

export interface DriveResult {
  mismatches: string[];
  /** How many requests were sent, valid and invalid by the contract. */
  valid: number;
  invalid: number;
  /** How many answers of each status came back. */
  statuses: Record<number, number>;
}

/**
 * `runs` generated requests per operation, then every method each path does not have (405 with
 * `Allow`, which `send` checks against the contract). A response that breaks the contract is a
 * mismatch too.
 */
export async function driveFromContract(send: Send, { runs, seed }: { runs: number; seed: number }): Promise<DriveResult> {
  const result: DriveResult = { mismatches: [], valid: 0, invalid: 0, statuses: {} };
  const created: string[] = [];
  const attempt = async (request: ContractRequest) => {
    try {
      const reply = await send(request.method, request.target, request.headers, request.body);
      result.statuses[reply.status] = (result.statuses[reply.status] ?? 0) + 1;
      const location = reply.headers.location;
      if (reply.status === 201 && typeof location === 'string') created.push(location);
      const found = mismatch(request, reply);
      if (found) result.mismatches.push(found);
    } catch (error) {
      result.mismatches.push(`${request.method} ${request.target}: ${(error as Error).message}`);
    }
  };
  for (const documented of documentedOperations()) {
    for (const draft of fc.sample(draftsFor(documented), { numRuns: runs, seed })) {
      const request = requestOf(documented, draft, created);
      result[request.expected === 'accepted' ? 'valid' : 'invalid'] += 1;
      await attempt(request);
    }
  }
  const routes = routeTable(contract);
  for (const template of Object.keys(contract.paths)) {
    const path = exampleTarget(template);
    for (const method of methods.map((name) => name.toUpperCase()).filter((name) => !routes.methodsOf(path)!.includes(name))) {
      await attempt({ method, target: path, headers: {}, invalid: [`${template} has no ${method}`], expected: 'no such method' });
    }
  }
  return result;
}

/** Fails the test on any mismatch; both kinds of request, and writes that succeed, must be among those sent, or the run proves little. */
export function expectDriven(result: DriveResult, engine: string): void {
  console.log(
    `requests from the contract, on ${engine}: ${result.valid} valid, ${result.invalid} invalid; answers ${JSON.stringify(result.statuses)}`,
  );
  expect(result.mismatches).toEqual([]);
  expect(Math.min(result.valid, result.invalid)).toBeGreaterThan(50);
  for (const status of [200, 201, 204, 400, 404, 405]) expect([status, (result.statuses[status] ?? 0) > 0]).toEqual([status, true]);
}
