import * as registered from './resources';

export { api } from './service';

/**
 * The API's resources (src/api/resources.ts), by name: the functions, scopes, contract and schema
 * steps are derived from this list (src/api/functions.ts, src/api/contract.ts, the migrate function).
 */
export const resources = Object.freeze(Object.values(registered).sort((a, b) => a.name.localeCompare(b.name)));
