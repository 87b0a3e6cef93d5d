-- Up Migration
-- Kept, empty, because databases record it as applied. The application role and its grants are made after every run
-- of the migrations, by a login that may create roles (src/lib/db/application-role.ts), so that a login that may not
-- still migrates its own database.

-- Down Migration
