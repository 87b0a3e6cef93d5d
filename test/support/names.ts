import { serviceName } from '../../src/api/service';
import { databaseNamesOf } from '../../src/lib/storage/database-names';

/**
 * The names the platform derives from the service's (src/api/service.ts), as the tests expect them: the stack, its
 * functions and secrets (`<service>-<stage>-…`), the scopes' resource server and realm, and the database's names.
 */
export { serviceName };
export const databaseNames = databaseNamesOf(serviceName);
