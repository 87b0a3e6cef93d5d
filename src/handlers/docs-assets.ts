import * as z from 'zod/mini';
import { httpRoute } from '../lib/http/route';
import { docsAssetResponse, docsAssets } from '../lib/openapi/docs-assets';
import { docsFileNames } from '../lib/openapi/docs-files';

const assetPath = z.object({ file: z.enum(docsFileNames) });
const acceptedCodings = z.object({ 'accept-encoding': z.optional(z.string()) });

/** GET /api/docs/{file}: the docs page's script and styles, Brotli-compressed for the clients that take it; any other file is a 404. */
export const handler = httpRoute({ path: assetPath, headers: acceptedCodings }, async ({ path, headers }) =>
  docsAssetResponse(docsAssets[path.file], headers['accept-encoding']),
);
