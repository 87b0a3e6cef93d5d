import { httpEvent, parsedBody as body, validationIssues as issues } from '../../../test/support/events';
import { parseInput } from '../../lib/http/input';
import { userInputSchema } from './model';

describe("a user's input", () => {
  it('rejects control characters in a name, which PostgreSQL text cannot always hold', () => {
    for (const name of ['a\u0000b', 'line\nbreak', 'tab\there']) {
      const event = { ...httpEvent({ method: 'POST', path: '/x' }), body: { email: 'a@b.co', name } as never };
      expect(issues(() => parseInput({ body: userInputSchema }, event))[0]?.field).toBe('name');
    }
  });

  it('stores a name in NFC and counts its length in code points, as PostgreSQL does', () => {
    const parsed = (name: string) => parseInput({ body: userInputSchema }, body({ email: 'a@b.co', name })).body.name;
    expect(parsed('Cafe\u0301')).toBe('Caf\u00e9');
    expect(parsed('\u{1F600}'.repeat(200))).toHaveLength(400);
    expect(issues(() => parsed('\u{1F600}'.repeat(201)))).toEqual([{ field: 'name', message: 'must be at most 200 characters' }]);
  });
});
