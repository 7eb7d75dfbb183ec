-- The audit trail (server/storage/audit.store.ts): append-only; `at` in epoch milliseconds.
CREATE TABLE audit (
  id bigserial PRIMARY KEY,
  at bigint NOT NULL,
  actor_id text,
  actor_username text,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  summary text NOT NULL,
  before_json jsonb,
  after_json jsonb
);
CREATE INDEX audit_by_time ON audit (at);
CREATE INDEX audit_by_entity ON audit (entity, entity_id, at);
