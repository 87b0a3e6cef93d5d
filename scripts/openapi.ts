/**
 * Writes openapi.json, the API's contract, from the zod schemas (src/lib/openapi/document.ts).
 * Usage: npm run openapi. The tests fail when the committed copy differs from what this writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openApiDocumentText } from '../src/lib/openapi/document';

const file = path.resolve(__dirname, '..', 'openapi.json');
fs.writeFileSync(file, openApiDocumentText());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
