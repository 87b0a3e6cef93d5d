import * as z from 'zod/mini';
import { httpRoute } from '../lib/http/route';
import { docsAssets } from '../lib/openapi/docs-assets';

const assetPath = z.object({ file: z.enum(Object.keys(docsAssets) as [string, ...string[]]) });

/** GET /api/docs/{file}: the docs page's script and styles; any other file is a 404. */
export const handler = httpRoute({ path: assetPath }, async ({ path }) => {
  const asset = docsAssets[path.file]!;
  return { statusCode: 200, headers: { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=3600' }, body: asset.body };
});
