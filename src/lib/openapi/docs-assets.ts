import rendererScript from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'text' };
import rendererStyles from 'swagger-ui-dist/swagger-ui.css' with { type: 'text' };

/**
 * Swagger UI, bundled as text by esbuild, and the few lines that start it: the docs page loads
 * nothing from any other origin. `validatorUrl: null` stops Swagger UI from sending the document
 * to swagger.io's validator.
 */
const start = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#docs', validatorUrl: null, deepLinking: true, tryItOutEnabled: false });
});
`;

export const docsAssets: Readonly<Record<string, { contentType: string; body: string }>> = Object.freeze({
  'swagger-ui-bundle.js': { contentType: 'text/javascript; charset=utf-8', body: rendererScript },
  'swagger-ui.css': { contentType: 'text/css; charset=utf-8', body: rendererStyles },
  'start.js': { contentType: 'text/javascript; charset=utf-8', body: start },
});
