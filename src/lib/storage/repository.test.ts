import * as z from 'zod/mini';
import { checkLayout, storedFields } from './repository';

describe("a resource's storage layout", () => {
  it('stores every field of the input schema', () => {
    expect(storedFields(z.object({ name: z.string(), unitPrice: z.int() }))).toEqual(['name', 'unitPrice']);
  });

  it('takes plain names: a lower-case table, and fields in camelCase', () => {
    expect(() => checkLayout({ table: 'line_items', fields: ['name', 'unitPrice', 'sku_2'] })).not.toThrow();
  });

  it('refuses a name that would not reach a statement or a document as it is', () => {
    expect(() => checkLayout({ table: 'users; drop table users', fields: ['name'] })).toThrow(
      'Storage names must be plain identifiers: users; drop table users',
    );
    expect(() => checkLayout({ table: 'users', fields: ['name', '$where', 'a.b', '1st'] })).toThrow(
      'Storage names must be plain identifiers: $where, a.b, 1st',
    );
    expect(() => checkLayout({ table: 'lineItems', fields: [] })).toThrow("A table's name is lower-case: lineItems");
  });
});
