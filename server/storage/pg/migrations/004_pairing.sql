-- Device tokens (server/pairing/token.store.ts): only hashes, plus a claim's plain token until delivered.
CREATE TABLE device_tokens (
  screen_id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  pending_token text,
  issued_at bigint NOT NULL
);
