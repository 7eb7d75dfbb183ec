-- Staff accounts and sessions (server/storage/accounts.store.ts). Usernames are unique case-insensitively.
CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL,
  township text,
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL,
  disabled boolean NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL
);
CREATE UNIQUE INDEX users_username_ci ON users (lower(username));

CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_secret text NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
