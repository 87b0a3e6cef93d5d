import fs from 'node:fs';
import { SourceMap } from 'node:module';

/** The bundle's own file and its map, parsed when a stack first needs it (undefined: none). */
let bundleMap: SourceMap | null | undefined;

function mapOf(file: string): SourceMap | null {
  if (bundleMap === undefined) {
    try {
      bundleMap = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      bundleMap = null;
    }
  }
  return bundleMap;
}

/** `src/lib/db/database.ts:120:11` for a position in the bundle, or undefined. */
function originalPosition(map: SourceMap, line: number, column: number): string | undefined {
  const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (!entry.originalSource) return undefined;
  // Sources are relative to the bundle (../../src/...): keep the project's own path.
  const source = entry.originalSource.replace(/^(\.\.\/)+/, '');
  return `${source}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
}

function frame(site: NodeJS.CallSite, bundle: string): string {
  const text = String(site);
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (site.getFileName() !== bundle || line === null || column === null) return text;
  const map = mapOf(bundle);
  const original = map && originalPosition(map, line, column);
  return original ? text.replace(`${bundle}:${line}:${column}`, original) : text;
}

/**
 * Stack traces of a bundled function in terms of its TypeScript sources, for the logs and so the
 * alerts. `--enable-source-maps` would parse the whole map at every cold start; this reads it the
 * first time a stack is formatted (an error worth logging), and costs nothing before. Only frames
 * in the bundle are mapped; anything that fails leaves V8's own text.
 */
export function installSourceMappedStacks(bundle: string): void {
  if (!bundle.endsWith('.js')) return;
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => {
    let header: string;
    try {
      header = String(error);
    } catch {
      header = '<error>';
    }
    return [header, ...sites.map((site) => `    at ${safeFrame(site, bundle)}`)].join('\n');
  };
}

function safeFrame(site: NodeJS.CallSite, bundle: string): string {
  try {
    return frame(site, bundle);
  } catch {
    return String(site);
  }
}
