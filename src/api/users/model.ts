import * as z from 'zod/mini';
import type { Repository, StorageLayout } from '../../lib/storage/repository';

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Embeddings, overrides and isolates reorder the text around them: a name could display as another.
const bidiControl = /[\u202A-\u202E\u2066-\u2069]/;
const visible = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
export const maxNameLength = 200;

/**
 * Why a (normalised, trimmed) name is refused, or undefined. Lengths count Unicode code points,
 * as PostgreSQL's length() does.
 */
function nameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  // PostgreSQL text cannot hold NUL, and no name needs control characters.
  if (/\p{Cc}/u.test(name)) return 'must not contain control characters';
  if (loneSurrogate.test(name)) return 'must be valid Unicode text';
  if (bidiControl.test(name)) return 'must not contain bidirectional control characters';
  if (!visible.test(name)) return 'must contain at least one visible character';
  if ([...name].length > maxNameLength) return `must be at most ${maxNameLength} characters`;
  return undefined;
}

/** What a client may send to create or replace a user. Email is stored trimmed and lower-cased, a name trimmed and in NFC. */
export const userInputSchema = z.object({
  email: z.pipe(
    z.string({ error: 'must be a string' }).check(z.trim(), z.toLowerCase(), z.maxLength(254, 'must be at most 254 characters')),
    z.email('must be a valid email address'),
  ),
  name: z.pipe(
    z.pipe(
      z.string({ error: 'must be a string' }),
      z.transform((name: string) => name.normalize('NFC').trim()),
    ),
    z.string().check(
      z.superRefine((name, context) => {
        const problem = nameProblem(name);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      }),
    ),
  ),
});

export type UserInput = z.infer<typeof userInputSchema>;

/** A user as the API answers it. */
export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export type User = z.infer<typeof userSchema>;

/** Storage of users. Every engine's adapter implements it and passes the same contract tests. */
export type UsersRepository = Repository<User, UserInput>;

/** How users are stored on either engine: the `users` table (migrations/) or collection, a unique email. */
export const usersStorage: StorageLayout<UserInput> = {
  table: 'users',
  fields: ['email', 'name'],
  notFound: 'No user has this id',
  conflict: 'A user with this email already exists',
};
