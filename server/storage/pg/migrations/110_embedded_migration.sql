-- A one-way move of an embedded data dir into this database (npm run migrate:pg, server/storage/migrate-to-pg.ts).
-- The row is written before the first copied row and marked finished after the last check, so a run that
-- stopped half-way leaves it unfinished: the server and a second run then refuse this database.
CREATE TABLE embedded_migration (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  source text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  summary jsonb
);
