/** Files the bundles hold Brotli-compressed, base64-encoded (`brotli:` imports, scripts/brotli-assets.cjs). */
declare module 'brotli:swagger-ui-dist/swagger-ui-bundle.js' {
  const base64: string;
  export default base64;
}
declare module 'brotli:swagger-ui-dist/swagger-ui.css' {
  const base64: string;
  export default base64;
}
