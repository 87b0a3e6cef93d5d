import type * as z from 'zod/mini';
import type { IndexStep } from '../storage/engine';

/** What a route does to its resource: `read` and `write` are the resource's two scopes. */
export type Access = 'read' | 'write';

export interface RouteDeclaration {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The whole path, below the resource's own (`/api/<name>`), with `{id}` for a parameter. */
  path: string;
  access: Access;
  /** Accepts an Idempotency-Key (its handler passes `idempotentRequests()`). */
  idempotent?: boolean;
  /** The gateway's limits of this route, requests per second and at once, in place of the stage's (resources/gateway.js). */
  throttle?: { rate: number; burst: number };
  /** The contract's one line about the route, and what it does in a few more. */
  summary: string;
  description: string;
  request: { path?: z.ZodMiniObject; query?: z.ZodMiniObject; body?: z.ZodMiniType };
  /** The answer when it succeeds; a 201 carries the new item's Location. */
  response: { status: 200 | 201 | 204; description: string; schema?: z.ZodMiniType };
}

export interface ResourceDeclaration<R extends Record<string, RouteDeclaration>> {
  /** Kebab-case and plural (`orders`, `line-items`): the path, the scopes and the functions are named after it. */
  name: string;
  /** The folder that holds it, from the project's root: `src/api/<name>` unless said. */
  folder?: string;
  /** One item, in words (`order`, `line item`): the contract's messages and schema names. */
  singular: string;
  /** The contract's description of the resource's routes. */
  description: string;
  /** What each scope lets a caller do, as the token issuer shows it. */
  scopes: Readonly<Record<Access, string>>;
  /** Besides a repeated Idempotency-Key, what a 409 means (`the email is taken`), if anything. */
  conflict?: string;
  /** An item as answered, and as a client sends it. */
  schemas: { item: z.ZodMiniType; input: z.ZodMiniType };
  /** One of each, valid against its schema: the contract shows them, and a client's tools send them. */
  examples: { item: unknown; input: unknown };
  /** The DocumentDB engine's schema steps (PostgreSQL's are the files in migrations/). */
  indexSteps: readonly IndexStep[];
  routes: R;
}

/** A declared route, with the names the platform derives: its function, handler module and scope. */
export type ResourceRoute<D extends RouteDeclaration = RouteDeclaration> = D & {
  /** `<camelCaseName><Route>`: `ordersCreate`, `lineItemsList`. */
  functionName: string;
  /** `<folder>/handlers/<route>.handler` (`src/api/<name>/handlers/get.handler`): the resource's folder holds its handlers. */
  handler: string;
  /** `<name>.<access>`: `orders.write`. */
  scope: string;
};

export interface Resource<R extends Record<string, RouteDeclaration> = Record<string, RouteDeclaration>> extends ResourceDeclaration<R> {
  /** `/api/<name>`. */
  path: string;
  /** `<name>.read` and `<name>.write`, with what each lets a caller do. */
  scopeNames: Readonly<Record<string, string>>;
  routes: { readonly [K in keyof R]: ResourceRoute<R[K]> };
  /** Where an item is: `/api/<name>/<id>`. */
  location(id: string): string;
}

/** A resource's name: kebab-case and plural (`orders`, `line-items`). */
export const resourceNamePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*s$/;
const routeName = /^[a-z][a-zA-Z0-9]*$/;
const capitalise = (word: string) => word[0]!.toUpperCase() + word.slice(1);
const camelCase = (name: string) => name.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

/**
 * A resource of the API, from what its folder declares. Everything the platform builds for it
 * (functions, scopes, the contract, the schema steps) is named from here; a declaration that
 * would build something wrong is refused when the module loads, naming the mistake.
 */
export function defineResource<R extends Record<string, RouteDeclaration>>(declaration: ResourceDeclaration<R>): Resource<R> {
  const { name, folder = `src/api/${name}` } = declaration;
  const path = `/api/${name}`;
  const refuse = (problem: string) => {
    throw new Error(`Resource ${JSON.stringify(name)}: ${problem}`);
  };
  if (!resourceNamePattern.test(name)) refuse('its name must be kebab-case and plural (orders, line-items)');
  // The contract shows the examples to every client: each must be what its schema accepts, or a field added to the model
  // and forgotten here would be documented wrong.
  for (const part of ['input', 'item'] as const) {
    const parsed = declaration.schemas[part].safeParse(declaration.examples[part]);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(the example)'} ${issue.message}`);
      refuse(`examples.${part} does not match its schema: ${fields.join('; ')}`);
    }
  }
  const routes = Object.fromEntries(
    Object.entries(declaration.routes).map(([key, route]) => {
      if (!routeName.test(key)) refuse(`route ${key}: its name must be camelCase`);
      if (route.path !== path && !route.path.startsWith(`${path}/`)) refuse(`route ${key}: its path must be ${path} or below it`);
      const derived = {
        functionName: `${camelCase(name)}${capitalise(key)}`,
        handler: `${folder}/handlers/${key}.handler`,
        scope: `${name}.${route.access}`,
      };
      return [key, Object.freeze({ ...route, ...derived })];
    }),
  ) as Resource<R>['routes'];
  return Object.freeze({
    ...declaration,
    path,
    scopeNames: Object.freeze({ [`${name}.read`]: declaration.scopes.read, [`${name}.write`]: declaration.scopes.write }),
    routes: Object.freeze(routes),
    location: (id: string) => `${path}/${id}`,
  });
}
