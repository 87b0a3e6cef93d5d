/**
 * Makes a working CRUD resource: npm run new:resource -- <name> (kebab-case, plural: orders, line-items).
 *
 * From scripts/resource-template/: its folder src/api/<name>/ (model, routes and scopes, storage on
 * both engines, contract tests) with its handlers in handlers/, its table's migration, a frontend's
 * typed client (client/<name>.ts), and one line in src/api/resources.ts. It starts with a `name` and timestamps, ready to be edited. A
 * name that is taken or not kebab-case and plural is refused, and nothing is changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { resourceNamePattern } from '../src/lib/resource/resource';
import { emptyRegistry } from './remove-resource';
import { clientFor, filled, tokensOf } from './resource-files';

const root = path.resolve(__dirname, '..');

/** Why `name` cannot be a new resource, or undefined. */
export function refusal(name: string | undefined, projectRoot = root): string | undefined {
  if (!name) return 'Usage: npm run new:resource -- <name>   (kebab-case and plural: orders, line-items)';
  if (!resourceNamePattern.test(name))
    return `${JSON.stringify(name)} is not a resource name: kebab-case and plural, as orders or line-items`;
  if (fs.existsSync(path.join(projectRoot, 'src/api', name))) return `${name} exists already: src/api/${name}`;
  // The platform's tests add their own resource to the service while they run: its names are taken there.
  if (fs.existsSync(path.join(projectRoot, 'test/fixtures/api', name)))
    return `${name} is the platform's tests' own resource (test/fixtures/api/${name}): pick another name`;
  const registry = fs.readFileSync(path.join(projectRoot, 'src/api/resources.ts'), 'utf8');
  if (registry.includes(`'./${name}/resource'`)) return `${name} is registered already in src/api/resources.ts`;
  // The platform's own routes (/api/health, /api/docs...) take their paths.
  const platformPaths = ['/api/health', '/api/openapi.json', '/api/docs'];
  if (platformPaths.some((taken) => taken === `/api/${name}` || taken.startsWith(`/api/${name}/`))) {
    return `/api/${name} is a route of the platform's own`;
  }
  return undefined;
}

/** Every template's path in the project, and its text, for `name`; nothing is written. */
export function filesFor(name: string, now = Date.now(), projectRoot = root): Map<string, string> {
  const read = (file: string) => filled(file, name);
  const files = new Map<string, string>();
  for (const file of ['model.ts', 'indexes.ts', 'resource.ts', 'repository.ts', 'contract.test.ts']) {
    files.set(`src/api/${name}/${file}`, read(`${file}.tmpl`));
  }
  for (const route of ['create', 'list', 'get', 'update', 'delete']) {
    files.set(`src/api/${name}/handlers/${route}.ts`, read(`handlers/${route}.ts.tmpl`));
  }
  files.set(`client/${name}.ts`, clientFor(name));
  // node-pg-migrate applies migrations in the order of their numbers, and refuses one older than the last applied.
  const last = Math.max(0, ...fs.readdirSync(path.join(projectRoot, 'migrations')).map((file) => Number(file.split('_')[0]) || 0));
  files.set(`migrations/${Math.max(now, last + 1)}_create-${name}.sql`, read('migration.sql.tmpl'));
  return files;
}

/** Writes the resource's files (formatted as the project's own are) and its line in the registry; returns the paths. */
export async function newResource(name: string, projectRoot = root): Promise<string[]> {
  const files = filesFor(name, Date.now(), projectRoot);
  for (const [file, text] of files) {
    const target = path.join(projectRoot, file);
    const formatted = file.endsWith('.ts')
      ? await prettier.format(text, { ...(await prettier.resolveConfig(target)), filepath: target })
      : text;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, formatted, { flag: 'wx' });
  }
  const registry = 'src/api/resources.ts';
  const lines = fs.readFileSync(path.join(projectRoot, registry), 'utf8').replace(emptyRegistry, '');
  fs.writeFileSync(path.join(projectRoot, registry), `${lines}export { ${tokensOf(name).__resource__} } from './${name}/resource';\n`);
  return [...files.keys(), registry];
}

async function main() {
  const name = process.argv[2];
  const refused = refusal(name);
  if (refused) {
    console.error(refused);
    process.exit(2);
  }
  const written = await newResource(name!);
  const tokens = tokensOf(name!);
  console.log(`made the ${tokens.__plural__} resource (one item: ${tokens.__singular__}):`);
  for (const file of written) console.log(`  ${file}`);
  console.log(`\nnpm start serves /api/${name}; npm run token -- --scope ${name}.read,${name}.write gives a token for it.`);
}

if (require.main === module) void main();
