import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { createSchema } from 'zod-openapi';
import type * as z from 'zod/mini';
import { emailField, textField } from './fields';

const ajv = new Ajv2020({ strict: false });

/** The field as the contract states it (a request body's side), compiled as a client's validator compiles it. */
const stated = (field: z.ZodMiniType) => createSchema(field, { io: 'input' }).schema as Record<string, unknown>;
const contractAccepts = (field: z.ZodMiniType) => ajv.compile(stated(field));

/** Text near every rule: controls, bidi and zero-width characters, lone surrogates, spaces, astral and combining ones. */
const awkward = fc.constantFrom(
  '\u0000',
  '\t',
  '\n',
  '\u007F',
  '\u0085',
  '\u202E',
  '\u2066',
  '\u200B',
  '\uFEFF',
  '\uD800',
  '\uDFFF',
  ' ',
  '\u00A0',
  'e\u0301',
  '\u0344',
  '\u{1F600}',
  'K',
  '\u212A',
  '@',
  '.',
  '-',
  'a',
  'Z',
  '9',
);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.array(awkward, { maxLength: 10 }).map((parts) => parts.join('')),
  fc.tuple(fc.constantFrom('', ' ', '\t', '\n '), fc.emailAddress(), fc.constantFrom('', ' ', '\n')).map((parts) => parts.join('')),
  fc.integer({ min: 0, max: 12 }).map((length) => 'é'.repeat(length)),
);

// Fields are made inside each test, so that a mutation run sees each test reach the code that builds them.
describe.each([
  ['textField', () => textField({ maxLength: 8 })],
  ['emailField', () => emailField({ maxLength: 24 })],
])('%s', (_name, make) => {
  it("is accepted by the server exactly when the contract's schema accepts it", () => {
    const field = make();
    const accepts = contractAccepts(field);
    fc.assert(
      fc.property(text, (value) => {
        // The length after NFC is the description's to state (a pattern cannot): only a few characters lengthen under it.
        fc.pre([...value.normalize('NFC')].length <= [...value].length);
        expect([value, field.safeParse(value).success]).toEqual([value, accepts(value)]);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('textField', () => {
  const name = () => textField({ maxLength: 8 });
  const problem = (value: unknown) => (name().safeParse(value) as { error?: { issues: { message: string }[] } }).error?.issues[0]?.message;

  it('stores the text trimmed and in NFC', () => {
    expect(name().parse('\tCafe\u0301\n')).toBe('Caf\u00e9');
  });

  it('says which rule a refused text breaks', () => {
    expect(problem(42)).toBe('must be a string');
    expect(problem(' \t ')).toBe('must not be empty');
    expect(problem('a\u0000b')).toBe('must not contain control characters');
    expect(problem('a\uD800b')).toBe('must be valid Unicode text');
    expect(problem('a\u202Eb')).toBe('must not contain bidirectional control characters');
    expect(problem('\u200B')).toBe('must contain at least one visible character');
    expect(problem('abcdefghi')).toBe('must be at most 8 characters');
    // Counted in code points: eight emoji are eight characters, sixteen UTF-16 units.
    expect(name().parse('\u{1F600}'.repeat(8))).toHaveLength(16);
    // U+0344 decomposes to two code points under NFC: the length after it counts too.
    expect(problem('\u0344'.repeat(5))).toBe('must be at most 8 characters');
    // Joiners inside emoji sequences, and letters of every script, are text.
    for (const text of ['\u{1F469}\u200D\u{1F4BB}', '\u05E9\u05DC\u05D5\u05DD', '\u674E\u660E', 'Zo\u00EB'])
      expect(problem(text)).toBeUndefined();
  });

  it('states its rules in the contract', () => {
    expect(stated(name())).toMatchObject({ type: 'string', minLength: 1, maxLength: 8, description: expect.stringContaining('NFC') });
  });

  it('refuses a length that is not a positive integer', () => {
    for (const maxLength of [0, -1, 1.5, Number.NaN])
      expect(() => textField({ maxLength })).toThrow(/maxLength must be a positive integer/);
  });
});

describe('emailField', () => {
  const email = () => emailField();

  it('stores the address trimmed and lower-cased, and says why one is refused', () => {
    expect(email().parse(' Ada@Example.COM\n')).toBe('ada@example.com');
    expect(email().safeParse('not an address').error?.issues[0]?.message).toBe('must be a valid email address');
    expect(email().safeParse(`${'a'.repeat(243)}@example.com`).error?.issues[0]?.message).toBe('must be at most 254 characters');
    // The Kelvin sign lower-cases to an ASCII k: the address is judged as sent.
    expect(email().safeParse('\u212A@example.com').success).toBe(false);
  });

  it('states its rules in the contract, 254 characters by default', () => {
    expect(stated(email())).toMatchObject({ type: 'string', maxLength: 254, description: expect.stringContaining('lower-cased') });
  });
});
