import * as z from 'zod/mini';

/**
 * Field types for a resource's input, each validating, normalising and stating itself in the contract from the same
 * rules: what JSON Schema can say goes into `pattern` and `maxLength`, the rest into `description`. Lengths count
 * Unicode code points, as JSON Schema's `maxLength` and PostgreSQL's length() do.
 */

const codePoints = (text: string) => [...text].length;

/** `override` metadata that sets what the contract says of a field, beyond what its first schema says. */
const stated = (keywords: Record<string, unknown>) => ({
  override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
    Object.assign(jsonSchema, keywords);
  },
});

/** A length as sent, so that the contract's `maxLength` counts what the server counts. */
const atMost = (maxLength: number) =>
  z.superRefine((text: string, context) => {
    if (codePoints(text) > maxLength) context.addIssue({ code: 'custom', message: `must be at most ${maxLength} characters` });
  });

/** Characters no text field holds: PostgreSQL text cannot hold NUL, and embeddings, overrides and isolates reorder the text around them. */
const forbidden = [
  { characters: '\\p{Cc}', message: 'must not contain control characters' },
  { characters: '\\p{Cs}', message: 'must be valid Unicode text' },
  { characters: '\\u202A-\\u202E\\u2066-\\u2069', message: 'must not contain bidirectional control characters' },
].map(({ characters, message }) => ({ characters, message, found: new RegExp(`[${characters}]`, 'u') }));
const visible = '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}';
const anyVisible = new RegExp(`[${visible}]`, 'u');
const allowed = `[^${forbidden.map(({ characters }) => characters).join('')}]*`;

/**
 * Text such as a name: trimmed and stored in NFC; at most `maxLength` characters as sent and after NFC; at least one
 * visible character; no control, lone surrogate or bidirectional control characters. Its pattern says all but the
 * length after NFC (which only a few characters that decompose change), and whitespace around the text is trimmed
 * before these rules are read.
 */
export function textField({ maxLength }: { maxLength: number }) {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new TypeError('textField: maxLength must be a positive integer');
  const pattern = `^\\s*${allowed}[${visible}]${allowed}\\s*$`;
  return z
    .pipe(
      z.pipe(
        z.string({ error: 'must be a string' }).check(atMost(maxLength)),
        z.transform((text: string) => text.normalize('NFC').trim()),
      ),
      z.string().check(
        z.superRefine((text, context) => {
          const problem =
            text === ''
              ? 'must not be empty'
              : (forbidden.find(({ found }) => found.test(text))?.message ??
                (anyVisible.test(text) ? undefined : 'must contain at least one visible character'));
          if (problem) context.addIssue({ code: 'custom', message: problem });
        }),
        atMost(maxLength),
      ),
    )
    .register(
      z.globalRegistry,
      stated({
        minLength: 1,
        maxLength,
        pattern,
        description:
          `1 to ${maxLength} characters (Unicode code points, as sent and after NFC normalisation), at least one of them ` +
          'visible (a letter, mark, digit, punctuation or symbol); no control characters, lone surrogates or ' +
          'bidirectional controls (U+202A to U+202E, U+2066 to U+2069). Stored trimmed, in NFC.',
      }),
    );
}

/** An email address, by zod's rule (z.email()), around which whitespace is trimmed. */
const emailPattern = `^\\s*(?:${z.regexes.email.source.slice(1, -1)})\\s*$`;

/** An email address: at most `maxLength` characters as sent, trimmed, and stored lower-cased. */
export function emailField({ maxLength = 254 }: { maxLength?: number } = {}) {
  return z
    .pipe(
      z.string({ error: 'must be a string' }).check(atMost(maxLength), z.trim()),
      z.string().check(z.regex(z.regexes.email, 'must be a valid email address'), z.toLowerCase()),
    )
    .register(
      z.globalRegistry,
      stated({
        maxLength,
        pattern: emailPattern,
        description: `An email address of at most ${maxLength} characters. Whitespace around it is trimmed, and it is stored lower-cased.`,
      }),
    );
}
