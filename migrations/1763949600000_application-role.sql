-- Up Migration
-- The functions' privileges, held by a role that cannot log in: data on the users table, nothing else. Login roles
-- (the application's, and the clone that alternating-users rotation makes of it) are members of it; they never own
-- the schema, so they can run no DDL. Idempotent: a cluster whose role exists keeps it.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'users_api_app') then
    create role users_api_app nologin;
  end if;
end
$$;
grant usage on schema public to users_api_app;
grant select, insert, update, delete on table users to users_api_app;

-- Down Migration
revoke select, insert, update, delete on table users from users_api_app;
revoke usage on schema public from users_api_app;
