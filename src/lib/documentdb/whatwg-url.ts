/**
 * The `whatwg-url` package's `URL` and `URLSearchParams` from Node.js's own parser, which implements
 * the same WHATWG URL Standard. It stands in for the package in every bundle (the esbuild alias in
 * serverless.yml) and every test (jest.config.js); its one user is the mongodb driver's connection
 * string parser (`mongodb-connection-string-url`).
 *
 * Why: the package carries its own Unicode tables (tr46, about 280 KB of code), which make up a
 * quarter of a DocumentDB function's bundle and are parsed at every cold start, while the runtime
 * already holds a parser. The two agree on every connection string (whatwg-url.test.ts).
 */
export { URL, URLSearchParams } from 'node:url';
