/**
 * Renames the service: npm run rename -- <name> (kebab-case, as parcel-desk).
 *
 * The name is written once, in src/api/service.ts, with the API's title where it is the one the old name makes
 * (`orders-api`: Orders API); npm's package.json and package-lock.json and the docs (README.md, docs/) say it too, and
 * are rewritten. Everything else derives from src/api/service.ts: the stack and its functions, the scopes' resource
 * server, the realm, the contract, the database and its logins. A name AWS could not take in every stage's resources
 * is refused, saying why, and nothing is changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { names as functionNames } from '../resources/functions';
import { stageNameProblem } from '../resources/stage';
import { awsNamePattern } from '../src/lib/aws-names';
import { databaseNamesOf, databaseNamesProblem } from '../src/lib/storage/database-names';

const root = path.resolve(__dirname, '..');
const serviceFile = 'src/api/service.ts';
/** The stages every service has: the longest of them sets how long its name may be. */
const standardStages = ['dev', 'staging', 'prod'];
/** Words Cognito refuses in a user pool's domain (`<service>-<stage>-<account id>`). */
const cognitoReservedWords = ['aws', 'amazon', 'cognito'];

/** The API's title a name makes: `parcel-desk` is Parcel Desk, `orders-api` Orders API. */
export const titleOf = (name: string) =>
  name
    .split('-')
    .map((word) => (word === 'api' ? 'API' : word[0]!.toUpperCase() + word.slice(1)))
    .join(' ');

/** The service's name as src/api/service.ts writes it. */
export function currentName(projectRoot = root): string {
  const [, name] = /^export const serviceName = '([^']+)';$/m.exec(fs.readFileSync(path.join(projectRoot, serviceFile), 'utf8')) ?? [];
  if (!name) throw new Error(`${serviceFile} has no line export const serviceName = '<name>';`);
  return name;
}

/** Why the service cannot be named `name`, or undefined. */
export function refusal(name: string | undefined, projectRoot = root): string | undefined {
  if (!name) return 'Usage: npm run rename -- <name>   (kebab-case: parcel-desk)';
  if (!awsNamePattern.test(name))
    return `${JSON.stringify(name)} is not a service name: lowercase letters, digits and single hyphens, starting with a letter`;
  if (name === currentName(projectRoot)) return `the service is called ${name} already`;
  const reserved = cognitoReservedWords.find((word) => name.includes(word));
  if (reserved)
    return `${name} cannot be used in AWS: Cognito refuses "${reserved}" in the user pool's domain (<service>-<stage>-<account id>)`;
  for (const stage of standardStages) {
    const problem = stageNameProblem(stage, { service: name, functionNames });
    if (problem) return `${name} is too long for AWS: with it, ${problem}`;
  }
  const database = databaseNamesProblem(name);
  if (database) return `${name} cannot be used: ${database}`;
  return undefined;
}

/** `text` with the old name in its new one: as written (`orders-api`), in the database's names (`orders_api_app`), as a title. */
export function renamed(text: string, from: string, to: string): string {
  const snake = (name: string) => databaseNamesOf(name).login;
  return text.replaceAll(from, to).replaceAll(snake(from), snake(to)).replaceAll(titleOf(from), titleOf(to));
}

/** The files that say the name: the one that defines it, npm's, and the docs. */
function filesToRename(projectRoot: string): string[] {
  const docs = fs
    .readdirSync(path.join(projectRoot, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`);
  return [serviceFile, 'package.json', 'package-lock.json', 'README.md', ...docs];
}

/** Renames the service from its current name to `name`; returns the files changed. */
export function rename(name: string, projectRoot = root): string[] {
  const from = currentName(projectRoot);
  const changed: string[] = [];
  for (const file of filesToRename(projectRoot)) {
    const target = path.join(projectRoot, file);
    if (!fs.existsSync(target)) continue;
    const text = fs.readFileSync(target, 'utf8');
    const next = renamed(text, from, name);
    if (next === text) continue;
    fs.writeFileSync(target, next);
    changed.push(file);
  }
  return changed;
}

function main() {
  const name = process.argv[2];
  const refused = refusal(name);
  if (refused) {
    console.error(refused);
    process.exit(2);
  }
  const from = currentName();
  console.log(`renamed the service ${from} to ${name}:`);
  for (const file of rename(name!)) console.log(`  ${file}`);
  console.log(
    `\nA stage deploys as the stack ${name}-<stage> from now on, beside any ${from}-<stage> stack already deployed, which ` +
      'keeps its data until it is removed (docs/deploying.md).',
  );
}

if (require.main === module) main();
