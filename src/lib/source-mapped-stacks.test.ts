import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';

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
