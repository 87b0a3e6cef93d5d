/**
 * Makes a working CRUD resource: npm run new:resource -- <name> (kebab-case, plural: orders, line-items).
 *
 * From scripts/resource-template/: its folder src/api/<name>/ (model, routes and scopes, storage on
 * both engines, contract tests) with its handlers in handlers/, its table's migration, and
 * one line in src/api/resources.ts. It starts with a `name` and timestamps, ready to be edited. A
 * name that is taken or not kebab-case and plural is refused, and nothing is changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { resourceNamePattern } from '../src/lib/resource/resource';

const root = path.resolve(__dirname, '..');
const templates = path.join(__dirname, 'resource-template');

/** The words of a name's one item: `line-items` is `line item`, `categories` is `category`, `boxes` is `box`. */
export function singularOf(name: string): string {
  const words = name.split('-');
  const last = words.pop()!;
  const one = last.endsWith('ies') ? `${last.slice(0, -3)}y` : /(?:s|x|z|ch|sh)es$/.test(last) ? last.slice(0, -2) : last.slice(0, -1);
  return [...words, one].join(' ');
}

const camelCase = (words: string[]) => words.map((word, index) => (index ? word[0]!.toUpperCase() + word.slice(1) : word)).join('');
const pascalCase = (words: string[]) => words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');

/** The template's tokens for `name`. */
export function tokensOf(name: string): Record<string, string> {
  const plural = name.split('-');
  const singular = singularOf(name).split(' ');
  const article = /^[aeiou]/.test(singular[0]!) ? 'an' : 'a';
  return {
    __name__: name,
    __resource__: camelCase(plural),
    __Resource__: pascalCase(plural),
    __item__: camelCase(singular),
    __Item__: pascalCase(singular),
    __singular__: singular.join(' '),
    __plural__: plural.join(' '),
    __Plural__: plural.join(' ')[0]!.toUpperCase() + plural.join(' ').slice(1),
    __table__: plural.join('_'),
    __a__: article,
    __A__: article[0]!.toUpperCase() + article.slice(1),
  };
}

/** Why `name` cannot be a new resource, or undefined. */
export function refusal(name: string | undefined, projectRoot = root): string | undefined {
  if (!name) return 'Usage: npm run new:resource -- <name>   (kebab-case and plural: orders, line-items)';
  if (!resourceNamePattern.test(name))
    return `${JSON.stringify(name)} is not a resource name: kebab-case and plural, as orders or line-items`;
  if (fs.existsSync(path.join(projectRoot, 'src/api', name))) return `${name} exists already: src/api/${name}`;
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
  const tokens = tokensOf(name);
  const fill = (text: string) => text.replace(/__[A-Za-z]+__/g, (token) => tokens[token] ?? token);
  const read = (file: string) => fill(fs.readFileSync(path.join(templates, file), 'utf8'));
  const files = new Map<string, string>();
  for (const file of ['model.ts', 'indexes.ts', 'resource.ts', 'repository.ts', 'contract.test.ts']) {
    files.set(`src/api/${name}/${file}`, read(`${file}.tmpl`));
  }
  for (const route of ['create', 'list', 'get', 'update', 'delete']) {
    files.set(`src/api/${name}/handlers/${route}.ts`, read(`handlers/${route}.ts.tmpl`));
  }
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
  fs.appendFileSync(path.join(projectRoot, registry), `export { ${tokensOf(name).__resource__} } from './${name}/resource';\n`);
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
