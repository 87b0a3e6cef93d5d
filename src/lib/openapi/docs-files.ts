/** The files the docs page loads from `/api/docs/{file}`, with their media types: the route serves these and no other. */
export const docsFiles = Object.freeze({
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'start.js': 'text/javascript; charset=utf-8',
});

export type DocsFileName = keyof typeof docsFiles;

export const docsFileNames = Object.keys(docsFiles) as [DocsFileName, ...DocsFileName[]];
