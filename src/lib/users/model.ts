import * as z from 'zod/mini';

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

export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface ListOptions {
  limit: number;
  /** The id of the last user of the previous page. */
  after?: string;
}

/** Storage of users. Every engine implements it and passes the same contract tests. */
export interface UsersRepository {
  create(input: UserInput): Promise<User>;
  /** @throws NotFoundError */
  get(id: string): Promise<User>;
  /** Users in a stable order (by id, which is time-ordered), `limit` at a time. */
  list(options: ListOptions): Promise<{ items: User[]; hasMore: boolean }>;
  /** @throws NotFoundError, ConflictError */
  replace(id: string, input: UserInput): Promise<User>;
  /** @throws NotFoundError */
  remove(id: string): Promise<void>;
}
