import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { brotliModule, cacheFile } = require('../../scripts/brotli-assets.cjs') as {
  brotliModule: (bytes: Buffer) => string;
  cacheFile: (bytes: Buffer) => string;
};

/** The texts these tests compress, whose cached copies are removed after them. */
const compressed: Buffer[] = [];
const compressedModule = (bytes: Buffer) => {
  compressed.push(bytes);
  return brotliModule(bytes);
};
afterAll(() => {
  for (const bytes of compressed) fs.rmSync(cacheFile(bytes), { force: true });
});

/** What a `brotli:` module exports: the base64 of the compressed bytes. */
const exported = (code: string) => {
  const module = { exports: '' };
  new Function('module', code)(module);
  return Buffer.from(module.exports, 'base64');
};

describe('brotli: imports (scripts/brotli-assets.cjs)', () => {
  it('export the file compressed with Brotli, which decompresses to the same bytes', () => {
    const text = Buffer.from(`${'a docs page, '.repeat(2_000)}${randomBytes(16).toString('hex')}`);
    const compressed = exported(compressedModule(text));
    expect(zlib.brotliDecompressSync(compressed).equals(text)).toBe(true);
    expect(compressed.length).toBeLessThan(text.length / 20);
  });

  it('compress the same bytes once per machine, then read them from the cache', () => {
    const compressing = jest.spyOn(zlib, 'brotliCompressSync');
    try {
      const text = Buffer.from(`${randomBytes(32).toString('hex')} ${'again '.repeat(500)}`);
      const first = compressedModule(text);
      expect(fs.existsSync(cacheFile(text))).toBe(true);
      expect(compressedModule(text)).toBe(first);
      expect(compressing).toHaveBeenCalledTimes(1);
      compressedModule(Buffer.concat([text, Buffer.from('!')]));
      expect(compressing).toHaveBeenCalledTimes(2);
    } finally {
      compressing.mockRestore();
    }
  });
});
