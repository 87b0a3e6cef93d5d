import { z } from 'zod';

/** What a client may send to create or replace a user. Email is stored trimmed and lower-cased. */
export const userInputSchema = z.object({
  email: z
    .string({ error: 'must be a string' })
    .trim()
    .toLowerCase()
    .max(254, 'must be at most 254 characters')
    .pipe(z.email('must be a valid email address')),
  name: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    // PostgreSQL text cannot hold NUL, and no name needs control characters.
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
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
