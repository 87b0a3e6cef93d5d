/**
 * Writes openapi.json (git-ignored), the API's contract as GET /api/openapi.json serves it, for
 * tools that read a file: generated from the resources' declarations (src/api/contract.ts).
 * Usage: npm run openapi.
 */
import fs from 'node:fs';
import path from 'node:path';
import { contractText } from '../src/api/contract';

const file = path.resolve(__dirname, '..', 'openapi.json');
fs.writeFileSync(file, contractText);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
