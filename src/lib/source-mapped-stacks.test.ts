import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type * as Stacks from './source-mapped-stacks';
import { fresh } from '../../test/support/fresh';

/** A bundle built as the functions are (minified, with a map beside it), run in its own process. */
function runBundle(source: string, { map = true } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stacks-'));
  try {
    const entry = path.join(__dirname, `stack-fixture-${process.pid}.ts`);
    fs.writeFileSync(entry, source);
    try {
      esbuild.buildSync({
        entryPoints: [entry],
        outfile: path.join(dir, 'handler.js'),
        bundle: true,
        minify: true,
        sourcemap: map,
        sourcesContent: false,
        platform: 'node',
        format: 'cjs',
        logLevel: 'silent',
      });
    } finally {
      fs.rmSync(entry);
    }
    return execFileSync(process.execPath, [path.join(dir, 'handler.js')], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fixture = `import { installSourceMappedStacks } from './source-mapped-stacks';
installSourceMappedStacks(__filename);
function failDeep(): never {
  throw new TypeError('boom');
}
try {
  failDeep();
} catch (error) {
  console.log((error as Error).stack);
}
`;

describe('installSourceMappedStacks', () => {
  it('names the TypeScript source, line and column of each frame in the bundle, from the map beside it', () => {
    const stack = runBundle(fixture);
    const lines = stack.trim().split('\n');
    expect(lines[0]).toBe('TypeError: boom');
    // The throw is on line 4, column 9 of the fixture; the call on line 7.
    expect(lines[1]).toMatch(/^ {4}at \S+ \(([^ ()]+\/)?src\/lib\/stack-fixture-\d+\.ts:4:9\)$/);
    expect(lines[2]).toMatch(/src\/lib\/stack-fixture-\d+\.ts:7:3\)?$/);
    expect(stack).not.toMatch(/handler\.js:\d+:/);
  });

  it("leaves V8's own frames when the bundle has no map", () => {
    const stack = runBundle(fixture, { map: false });
    expect(stack.split('\n')[0]).toBe('TypeError: boom');
    expect(stack).toMatch(/handler\.js:\d+:\d+\)/);
    expect(stack).not.toMatch(/\.ts:/);
  });
});

describe('the stack formatter, in process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stacks-'));
  const bundle = path.join(dir, 'handler.js');
  // Bundle line 1 maps to line 1 of the first source, bundle line 2 to its line 2; the second source has no segment.
  fs.writeFileSync(`${bundle}.map`, JSON.stringify({ version: 3, sources: ['../../src/lib/x.ts'], names: [], mappings: 'AAAA;AACA' }));
  const original = Error.prepareStackTrace;
  const site = (file: string | null, line: number | null, column: number | null) =>
    ({
      getFileName: () => file,
      getLineNumber: () => line,
      getColumnNumber: () => column,
      toString: () => `fn (${file}:${line}:${column})`,
    }) as unknown as NodeJS.CallSite;
  /** A fresh module, as in a new container: the map is read at most once per module. */
  const install = (file: string) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fresh(() => (require('./source-mapped-stacks') as typeof Stacks).installSourceMappedStacks(file));
    return (error: unknown, sites: NodeJS.CallSite[]) => Error.prepareStackTrace!(error as Error, sites) as string;
  };

  afterEach(() => (Error.prepareStackTrace = original));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('maps frames in the bundle and leaves the others as V8 wrote them', () => {
    const format = install(bundle);
    const stack = format(new TypeError('boom'), [
      site(bundle, 2, 1),
      site(bundle, 1, 5),
      site('/var/runtime/index.mjs', 3, 4),
      site(bundle, null, 1),
    ]);
    expect(stack.split('\n')).toEqual([
      'TypeError: boom',
      '    at fn (src/lib/x.ts:2:1)',
      '    at fn (src/lib/x.ts:1:1)',
      '    at fn (/var/runtime/index.mjs:3:4)',
      `    at fn (${bundle}:null:1)`,
    ]);
  });

  it('reads the map once, on the first stack, and never before', () => {
    const read = jest.spyOn(fs, 'readFileSync');
    const format = install(bundle);
    expect(read).not.toHaveBeenCalled();
    format(new Error('one'), [site(bundle, 1, 1)]);
    format(new Error('two'), [site(bundle, 2, 1)]);
    expect(read.mock.calls.map(([file]) => file)).toEqual([`${bundle}.map`]);
    // Frames of other files, or without a position, never need it.
    read.mockClear();
    const other = install(bundle);
    other(new Error('elsewhere'), [site('/var/runtime/index.mjs', 1, 1), site(bundle, null, 1), site(bundle, 1, null)]);
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
  });

  it("leaves V8's text without a map, past the map's segments, and for a frame that cannot be read", () => {
    const missing = path.join(dir, 'other.js');
    expect(install(missing)(new Error('x'), [site(missing, 1, 1)])).toBe(`Error: x\n    at fn (${missing}:1:1)`);
    const format = install(bundle);
    // A position before the first segment: the map's answer names no source.
    expect(format(new Error('x'), [site(bundle, 0, 0)])).toBe(`Error: x\n    at fn (${bundle}:0:0)`);
    const broken = {
      ...site(bundle, 1, 1),
      getLineNumber: () => {
        throw new Error('no line');
      },
      toString: () => 'native',
    };
    expect(format(new Error('x'), [broken as unknown as NodeJS.CallSite])).toBe('Error: x\n    at native');
  });

  it('names an error whose text cannot be formatted, and does nothing for a file that is not a bundle', () => {
    const format = install(bundle);
    const hostile = {
      toString: () => {
        throw new Error('no text');
      },
    };
    expect(format(hostile, [])).toBe('<error>');
    Error.prepareStackTrace = original;
    install(path.join(dir, 'handler.ts'));
    expect(Error.prepareStackTrace).toBe(original);
  });
});
