import * as z from 'zod/mini';
import { ValidationError } from '../errors';
import type { Page, User, UsersRepository } from './model';

const cursorPrefix = 'u1:';

/** Cursors are opaque to clients: they carry the last id seen, versioned so the format can change. */
export function encodeCursor(id: string): string {
  return Buffer.from(cursorPrefix + id).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith(cursorPrefix) ? decoded.slice(cursorPrefix.length) : '';
  if (!z.uuid().safeParse(id).success) {
    throw new ValidationError([{ field: 'cursor', message: 'must be a cursor returned by a previous page' }]);
  }
  return id;
}

export async function listUsers(users: UsersRepository, limit: number, cursor?: string): Promise<Page<User>> {
  const { items, hasMore } = await users.list({ limit, after: cursor === undefined ? undefined : decodeCursor(cursor) });
  const last = items.at(-1);
  return { items, next: hasMore && last ? encodeCursor(last.id) : null };
}
