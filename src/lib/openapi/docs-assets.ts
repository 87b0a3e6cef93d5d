import Negotiator from 'negotiator';
import rendererScript from 'brotli:swagger-ui-dist/swagger-ui-bundle.js';
import rendererStyles from 'brotli:swagger-ui-dist/swagger-ui.css';
import type { HttpResult } from '../http/responses';
import { docsFiles, type DocsFileName } from './docs-files';

/**
 * A file of the docs page: its text, or the file Brotli-compressed and base64-encoded as the bundle
 * holds it (`brotli:` imports, scripts/brotli-assets.cjs).
 */
export type DocsAsset = { contentType: string } & ({ text: string } | { brotli: string });

/**
 * Swagger UI, kept compressed in the bundle, and the few lines that start it: the docs page loads
 * nothing from any other origin. `validatorUrl: null` stops Swagger UI from sending the document
 * to swagger.io's validator.
 */
const start = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#docs', validatorUrl: null, deepLinking: true, tryItOutEnabled: false });
});
`;

export const docsAssets: Readonly<Record<DocsFileName, DocsAsset>> = Object.freeze({
  'swagger-ui-bundle.js': { contentType: docsFiles['swagger-ui-bundle.js'], brotli: rendererScript },
  'swagger-ui.css': { contentType: docsFiles['swagger-ui.css'], brotli: rendererStyles },
  'start.js': { contentType: docsFiles['start.js'], text: start },
});

/** Each compressed file's text, decompressed once per container for the clients that take no Brotli. */
const decompressed = new Map<DocsAsset, string>();

async function textOf(asset: DocsAsset & { brotli: string }): Promise<string> {
  if (!decompressed.has(asset)) {
    // Loaded by the first such request only: zlib is not worth its load time at every cold start.
    const { brotliDecompressSync } = await import('node:zlib');
    decompressed.set(asset, brotliDecompressSync(Buffer.from(asset.brotli, 'base64')).toString('utf8'));
  }
  return decompressed.get(asset)!;
}

/**
 * A docs file's response, cached for an hour. A compressed file goes out as it is stored when the
 * request's `Accept-Encoding` prefers Brotli to no coding (every current browser sends `br`), and
 * as text otherwise: RFC 9110 lets a server answer without a coding when none is acceptable.
 */
export async function docsAssetResponse(asset: DocsAsset, acceptEncoding: string | undefined): Promise<HttpResult> {
  const headers = { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=3600' };
  if ('text' in asset) return { statusCode: 200, headers, body: asset.text };
  const varied = { ...headers, Vary: 'Accept-Encoding' };
  const coding = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }).encoding(['br', 'identity']);
  if (coding === 'br')
    return { statusCode: 200, headers: { ...varied, 'Content-Encoding': 'br' }, body: asset.brotli, isBase64Encoded: true };
  return { statusCode: 200, headers: varied, body: await textOf(asset) };
}
