import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { requestBody } from './middlewares';
import { HttpError } from './problem';

type Before = (request: { event: Partial<APIGatewayProxyEventV2> }) => void;
const run = (event: Partial<APIGatewayProxyEventV2>, maxBytes = 64 * 1024) =>
  (requestBody({ maxBytes }).before as unknown as Before)({ event });

const statusOf = (fn: () => void) => {
  try {
    fn();
    return 'passed';
  } catch (error) {
    return (error as HttpError).statusCode;
  }
};

describe('requestBody', () => {
  it('accepts exactly the limit and rejects one byte more with 413', () => {
    expect(statusOf(() => run({ body: 'a'.repeat(65536) }))).toBe('passed');
    expect(statusOf(() => run({ body: 'a'.repeat(65537) }))).toBe(413);
  });

  it('counts bytes, not characters', () => {
    expect(statusOf(() => run({ body: 'é'.repeat(40) }, 80))).toBe('passed');
    expect(statusOf(() => run({ body: 'é'.repeat(41) }, 80))).toBe(413);
  });

  it('measures base64 bodies by their decoded size', () => {
    const body = Buffer.alloc(300).toString('base64');
    expect(statusOf(() => run({ body, isBase64Encoded: true }, 300))).toBe('passed');
    expect(statusOf(() => run({ body, isBase64Encoded: true }, 299))).toBe(413);
  });

  it('rejects a missing or empty body with 400', () => {
    expect(statusOf(() => run({}))).toBe(400);
    expect(statusOf(() => run({ body: '' }))).toBe(400);
  });

  it('validates its options', () => {
    expect(() => requestBody({ maxBytes: 0 })).toThrow(TypeError);
    expect(() => requestBody({ maxBytes: 1.5 })).toThrow(TypeError);
  });

  it('agrees with Buffer.byteLength on random sizes (fuzz)', () => {
    for (let i = 0; i < 200; i += 1) {
      const size = Math.floor(Math.random() * 2000);
      const limit = Math.floor(Math.random() * 2000) + 1;
      expect(statusOf(() => run({ body: 'x'.repeat(size) || 'x' }, limit))).toBe(Math.max(size, 1) > limit ? 413 : 'passed');
    }
  });

  it('checks a 64 KB body in well under a millisecond (performance smoke)', () => {
    const body = 'a'.repeat(65536);
    const started = performance.now();
    for (let i = 0; i < 1000; i += 1) run({ body });
    // Generous bound: this guards against an accidental O(n^2), not against a busy machine.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
