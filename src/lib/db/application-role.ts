import pg from 'pg';

/** The role that holds the functions' privileges (migrations/*_application-role.sql): DML on `users`, nothing else. */
export const applicationGroupRole = 'users_api_app';

export interface ApplicationLogin {
  username: string;
  password: string;
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
