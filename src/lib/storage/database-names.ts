/**
 * The database's names, from the service's (`parcel-desk`): the database, the master login that migrates it, the
 * functions' login and the role that holds their privileges (src/lib/db/application-role.ts). PostgreSQL's and
 * DocumentDB's identifiers take no hyphen, so each is the service's name in snake case.
 */
export function databaseNamesOf(serviceName: string) {
  const base = serviceName.replaceAll('-', '_');
  return Object.freeze({ database: base, master: `${base}_admin`, login: base, applicationRole: `${base}_app` });
}

/** Names RDS and PostgreSQL keep for themselves: no database or login may take them. */
const reservedNames = Object.freeze(['postgres', 'rdsadmin', 'rdsrepladmin', 'rds_superuser', 'template0', 'template1', 'public']);
/** PostgreSQL's identifiers are at most 63 bytes; longer ones are cut, and two names could meet. */
const identifierMax = 63;

/** Why the database's names derived from `serviceName` cannot be had, or undefined when they can. */
export function databaseNamesProblem(serviceName: string): string | undefined {
  const names = Object.values(databaseNamesOf(serviceName));
  const reserved = names.find((name) => reservedNames.includes(name));
  if (reserved) return `the database's name or login would be "${reserved}", which RDS and PostgreSQL keep for themselves`;
  const long = names.find((name) => name.length > identifierMax);
  if (long) return `the database's name "${long}" is ${long.length} characters, and PostgreSQL takes ${identifierMax}`;
  return undefined;
}
