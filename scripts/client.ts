/**
 * Writes the API's TypeScript types for a client, generated from its contract by openapi-typescript:
 * `paths` (every route's parameters, bodies and answers) and `components` (the resources' schemas),
 * which openapi-fetch takes to type every call. Regenerate them when a route changes.
 * Usage: npm run client [-- --output <file.d.ts>]   (default: client/api.d.ts, git-ignored)
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { contractText } from '../src/api/contract';

const { values } = parseArgs({ options: { output: { type: 'string', default: 'client/api.d.ts' } } });

async function main(): Promise<void> {
  if (!values.output.endsWith('.ts')) {
    console.error(`--output must name a .ts file: ${values.output}`);
    process.exit(2);
  }
  const file = path.resolve(values.output);
  const types = astToString(await openapiTS(contractText));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `// The API's types, generated from its contract by \`npm run client\`: not edited by hand.\n\n${types}`);
  console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
}

void main();
