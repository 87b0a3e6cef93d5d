import pg from 'pg';
import { config } from '../config';
import { databaseNamesOf } from '../storage/database-names';
import type { ApplicationLogin } from '../storage/engine';

/**
 * The role that holds the functions' privileges: DML on the application's tables, nothing else. It
 * cannot log in; the functions' login roles are members of it. Named for the service (`<service>_app`).
 */
export const applicationGroupRole = databaseNamesOf(config.serviceName).applicationRole;
/** node-pg-migrate's record of the migrations applied: the functions never read or write it. */
export const migrationsTable = 'pgmigrations';

/**
 * Makes sure of the application role and its grants: usage of the schema, and select, insert,
 * update and delete on every table in it but the migrations' record, so each table a migration adds
 * is granted at the next run. Runs after the migrations, on every run, and is idempotent.
 *
 * Creating the role takes CREATEROLE (Aurora's master user has it). A login without it, such as a
 * developer's own login that owns its database, is not refused: the step is skipped, nothing is
 * granted, and the functions run with that login's own privileges. A later run by a login that may
 * create roles makes the role then. The grants run in one transaction: none is left half-done.
 */
export async function ensureApplicationRole(client: pg.Client): Promise<'created' | 'kept' | 'skipped'> {
  const role = pg.escapeIdentifier(applicationGroupRole);
  await client.query('begin');
  try {
    // Two releases, or two developers, at once: one makes the role, the other finds it.
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [applicationGroupRole]);
    const { rows } = await client.query<{ exists: boolean; may_create: boolean }>(
      `select exists (select 1 from pg_roles where rolname = $1) as exists,
              (select rolsuper or rolcreaterole from pg_roles where rolname = current_user) as may_create`,
      [applicationGroupRole],
    );
    const { exists, may_create: mayCreate } = rows[0]!;
    if (!exists && !mayCreate) {
      await client.query('rollback');
      return 'skipped';
    }
    if (!exists) await client.query(`create role ${role} nologin`);
    await client.query(`grant usage on schema public to ${role}`);
    await client.query(`grant select, insert, update, delete on all tables in schema public to ${role}`);
    await client.query(`revoke all on table ${pg.escapeIdentifier(migrationsTable)} from ${role}`);
    await client.query('commit');
    return exists ? 'kept' : 'created';
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * Makes the functions' login role, with `password`, a member of the application role, unless it
 * exists: then only its membership is made sure of. Its password then belongs to the rotation,
 * which alternates it with `<username>_clone`. Runs as the master user, after the migrations.
 */
export async function ensureApplicationLogin(client: pg.Client, login: ApplicationLogin): Promise<'created' | 'kept'> {
  const user = pg.escapeIdentifier(login.username);
  const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [login.username]);
  if (rowCount) {
    await client.query(`grant ${applicationGroupRole} to ${user}`);
    return 'kept';
  }
  // CREATE ROLE takes no bind parameters: the password goes as an escaped literal.
  await client.query(`create role ${user} login password ${client.escapeLiteral(login.password)} in role ${applicationGroupRole}`);
  return 'created';
}
