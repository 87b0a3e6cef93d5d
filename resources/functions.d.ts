/** Types for resources/functions.js: the service's functions (src/api/functions.ts), as serverless and the resources read them. */
import type { FunctionSpec } from '../src/api/functions';

export type { FunctionSpec };

/** The service's name (src/api/service.ts): serverless.yml's `service`. */
export declare const serviceName: string;
/** The database's names, from the service's (src/lib/storage/database-names.ts): the params' defaults, and the functions' login. */
export declare const databaseName: string;
export declare const databaseMasterUsername: string;
export declare const databaseLogin: string;
export declare const catalog: Readonly<Record<string, FunctionSpec>>;
export declare const names: string[];
export declare const apiFunctions: string[];
export declare const databaseFunctions: string[];
export declare const subscribedFunctions: string[];
export declare const securedFunctions: string[];
export declare const idempotentFunctions: string[];
export declare const resourceServer: string;
export declare const scopes: Readonly<Record<string, string>>;
export declare const resourceServerScopes: { ScopeName: string; ScopeDescription: string }[];
export declare const oauthScopes: string[];
export declare const browserOauthScopes: string[];
export declare function capitalise(name: string): string;
/** An API function's route key, as API Gateway names it (`GET /api/orders`; the catch-all is `$default`). */
export declare function routeKeyOf(name: string): string;
/** The module of a function's handler, from the project's root (`src/api/orders/handlers/get` for `src/api/orders/handlers/get.handler`). */
export declare function handlerModule(name: string): string;
