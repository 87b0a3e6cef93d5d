import * as z from 'zod/mini';
import { ValidationError } from '../errors';
import type { Page, Repository } from '../storage/repository';

// The cursor format's version, the same for every resource: a page's cursor carries a UUID.
const cursorPrefix = 'u1:';

/**
 * The form of every cursor this format makes, as the contract states it: the prefix's 3 bytes and a UUID's 36, in
 * base64url. Which values are cursors is the server's to say: only one it handed out reads.
 */
export const cursorPattern = new RegExp(`^${Buffer.from(cursorPrefix).toString('base64url')}[A-Za-z0-9_-]{48}$`);

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

/** One page of `repository`'s items after `cursor`, with the cursor of the next page or null. */
export async function listPage<T extends { id: string }>(
  repository: Repository<T, never>,
  limit: number,
  cursor?: string,
): Promise<Page<T>> {
  const { items, hasMore } = await repository.list({ limit, after: cursor === undefined ? undefined : decodeCursor(cursor) });
  const last = items.at(-1);
  return { items, next: hasMore && last ? encodeCursor(last.id) : null };
}
