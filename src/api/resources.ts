// The API's resources, one line each: `npm run new:resource -- <name>` adds one (src/api/registry.ts reads them).
export { users } from './users/resource';
