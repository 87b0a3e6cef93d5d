/**
 * Removes a resource: npm run remove:resource -- <name>, the counterpart of npm run new:resource.
 *
 * Deletes its folder src/api/<name>/ (model, routes, storage, handlers, contract tests), its typed client
 * client/<name>.ts, and its line in src/api/resources.ts; nothing else names it. Its migrations stay: they are the
 * history every database of the service has applied, and a database keeps the table and its rows until a migration
 * of the team's drops them. A name that is not a resource of src/api/ is refused, and nothing is changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { resourceNamePattern } from '../src/lib/resource/resource';

const root = path.resolve(__dirname, '..');
const registryFile = 'src/api/resources.ts';
/** The registry's line when it lists no resource. */
export const emptyRegistry = 'export {};\n';

/** The registry's line of `name`: `export { lineItems } from './line-items/resource';`. */
const registryLine = (name: string) => new RegExp(`^export \\{ [A-Za-z0-9]+ \\} from '\\./${name}/resource';\\n`, 'm');

/** Why `name` cannot be removed, or undefined. */
export function refusal(name: string | undefined, projectRoot = root): string | undefined {
  if (!name) return 'Usage: npm run remove:resource -- <name>   (a folder of src/api/, as users)';
  if (!resourceNamePattern.test(name))
    return `${JSON.stringify(name)} is not a resource name: kebab-case and plural, as orders or line-items`;
  if (!fs.existsSync(path.join(projectRoot, 'src/api', name, 'resource.ts')))
    return `${name} is not a resource of this service: no src/api/${name}/resource.ts`;
  if (!registryLine(name).test(fs.readFileSync(path.join(projectRoot, registryFile), 'utf8')))
    return `${name} is not registered in ${registryFile}: remove src/api/${name}/ by hand`;
  return undefined;
}

/** The migrations that name the resource's table (`create table line_items`): kept, and listed so that the team knows. */
export function migrationsOf(name: string, projectRoot = root): string[] {
  const table = new RegExp(`\\b${name.replaceAll('-', '_')}\\b`);
  const folder = path.join(projectRoot, 'migrations');
  return fs
    .readdirSync(folder)
    .filter((file) => table.test(fs.readFileSync(path.join(folder, file), 'utf8')))
    .map((file) => `migrations/${file}`);
}

/** Deletes the resource's files and its registry line; returns the paths removed or changed. */
export function removeResource(name: string, projectRoot = root): string[] {
  const removed = [`src/api/${name}/`];
  fs.rmSync(path.join(projectRoot, 'src/api', name), { recursive: true });
  const client = `client/${name}.ts`;
  if (fs.existsSync(path.join(projectRoot, client))) {
    fs.rmSync(path.join(projectRoot, client));
    removed.push(client);
  }
  const registry = path.join(projectRoot, registryFile);
  const rest = fs.readFileSync(registry, 'utf8').replace(registryLine(name), '');
  // With no resource left it stays a module, which the registry imports (`export {};`, which new:resource removes).
  fs.writeFileSync(registry, /^export /m.test(rest) ? rest : `${rest}${emptyRegistry}`);
  return [...removed, registryFile];
}

function main() {
  const name = process.argv[2];
  const refused = refusal(name);
  if (refused) {
    console.error(refused);
    process.exit(2);
  }
  const kept = migrationsOf(name!);
  console.log(`removed the ${name} resource:`);
  for (const file of removeResource(name!)) console.log(`  ${file}`);
  if (kept.length) {
    console.log(
      `\nIts migrations stay, as every database that applied them records them: ${kept.join(', ')}. A database keeps the ` +
        `${name!.replaceAll('-', '_')} table and its rows; to drop them, add a migration that does.`,
    );
  }
}

if (require.main === module) main();
