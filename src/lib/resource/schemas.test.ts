import { encodeCursor } from './pagination';
import { fresh } from '../../../test/support/fresh';
import type * as Schemas from './schemas';

let schemas: typeof Schemas;

// Loaded afresh for each test, as a cold start does: the schemas are built when the module loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
beforeEach(() => (schemas = fresh(() => require('./schemas') as typeof Schemas)));

const limitMessage = 'must be a whole number from 1 to 100, in decimal digits';

/** The query's parse: the value, or each issue as `field: message`. */
function query(input: Record<string, string>) {
  const result = schemas.listQuery.safeParse(input);
  return result.success ? result.data : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('the request shapes every resource shares', () => {
  it('takes a limit of 1 to 100 in decimal digits, and 20 when there is none', () => {
    expect(query({})).toEqual({ limit: 20 });
    for (const [text, value] of [
      ['1', 1],
      ['7', 7],
      ['20', 20],
      ['99', 99],
      ['100', 100],
      ['007', 7],
    ] as const) {
      expect(query({ limit: text })).toEqual({ limit: value });
    }
  });

  it('refuses any other limit with one message that says what a limit is', () => {
    for (const text of ['0', '000', '101', '999', '1000', '-1', '+5', '1.5', '1e2', '0x10', ' 5', '5 ', 'a12', '12a', 'ten', '']) {
      expect([text, query({ limit: text })]).toEqual([text, [`limit: ${limitMessage}`]]);
    }
  });

  it("takes a cursor of a cursor's form (the contract's pattern), and says what a cursor is otherwise", () => {
    const cursor = encodeCursor('01890000-0000-7000-8000-000000000000');
    expect(query({ cursor })).toEqual({ limit: 20, cursor });
    expect(query({ cursor: `1${'_'.repeat(22)}` })).toEqual({ limit: 20, cursor: `1${'_'.repeat(22)}` });
    for (const other of [
      '',
      'c',
      cursor.slice(1),
      `${cursor}A`,
      `2${cursor.slice(1)}`,
      'dTE6MDE4OTAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw',
      `${cursor.slice(0, -1)}=`,
      `${cursor.slice(0, -1)}+`,
    ])
      expect(query({ cursor: other })).toEqual(['cursor: must be a cursor returned by a previous page']);
  });

  it('takes an id that is a UUID, and nothing else', () => {
    const id = '01890000-0000-7000-8000-000000000000';
    expect(schemas.idPath.safeParse({ id })).toEqual({ success: true, data: { id } });
    for (const other of ['', 'not-a-uuid', `${id}0`, id.slice(1)]) expect(schemas.idPath.safeParse({ id: other }).success).toBe(false);
    expect(schemas.idPath.safeParse({}).success).toBe(false);
  });

  it('describes a page of items and the next cursor, one schema per item schema', () => {
    const item = schemas.idPath;
    expect(schemas.pageOf(item)).toBe(schemas.pageOf(item));
    expect(schemas.pageOf(item)).not.toBe(schemas.pageOf(schemas.listQuery));
    expect(schemas.pageOf(item).safeParse({ items: [], next: 'c' }).success).toBe(true);
    expect(schemas.pageOf(item).safeParse({ items: [] }).success).toBe(false);
    expect(schemas.pageOf(item).safeParse({ items: [{ id: '01890000-0000-7000-8000-000000000000' }], next: null }).success).toBe(true);
    expect(schemas.pageOf(item).safeParse({ items: [{ id: 'x' }], next: null }).success).toBe(false);
  });
});
