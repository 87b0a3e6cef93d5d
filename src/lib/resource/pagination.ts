import { ValidationError } from '../errors';
import type { Page, Repository } from '../storage/repository';

// The cursor format's version, the same for every resource: a page's cursor carries a UUID's 16 bytes.
const cursorVersion = '1';

/**
 * The form of a cursor, as the contract states it: the version, and 16 bytes in base64url. Every string of this form
 * reads (as the position after the UUID it carries), so the form is the whole rule.
 */
export const cursorPattern = new RegExp(`^${cursorVersion}[A-Za-z0-9_-]{22}$`);

/** Cursors are opaque to clients: they carry the last id seen, versioned so the format can change. */
export function encodeCursor(id: string): string {
  return cursorVersion + Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  if (!cursorPattern.test(cursor)) {
    throw new ValidationError([{ field: 'cursor', message: 'must be a cursor returned by a previous page' }]);
  }
  const hex = Buffer.from(cursor.slice(cursorVersion.length), 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
