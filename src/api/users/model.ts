import * as z from 'zod/mini';
import { emailField, textField } from '../../lib/resource/fields';
import { storedFields, type Repository, type StorageLayout } from '../../lib/storage/repository';

/** What a client may send to create or replace a user. Email is stored trimmed and lower-cased, a name trimmed and in NFC. */
export const userInputSchema = z.object({
  email: emailField(),
  name: textField({ maxLength: 200 }),
});

export type UserInput = z.infer<typeof userInputSchema>;

/** A user as the API answers it. */
export const userSchema = z.object({
  id: z.uuid(),
  // The form emailField() accepts (z.email()'s), which "format: email" would state more narrowly.
  email: z.string().check(z.regex(z.regexes.email)),
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
  fields: storedFields(userInputSchema),
  notFound: 'No user has this id',
  conflict: 'A user with this email already exists',
};
