-- Up Migration
create table users (
  id uuid primary key,
  -- Stored trimmed and lower-cased, so a plain unique constraint is case-insensitive.
  email text not null constraint users_email_key unique
    constraint users_email_normalised check (email = lower(btrim(email))),
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Down Migration
drop table users;
