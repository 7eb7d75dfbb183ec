-- Usernames compared on one key computed in the app (server/storage/username-key.ts: NFKC, then
-- lower case), as the embedded store does, instead of this database's locale-dependent lower().
-- lower() fills the key for rows already here; the store corrects any row whose key differs from
-- the app's at start (createPgAccountsStore's reconcileUsernameKeys).
ALTER TABLE users ADD COLUMN username_key text;
UPDATE users SET username_key = lower(username);
DROP INDEX users_username_ci;
CREATE UNIQUE INDEX users_username_key ON users (username_key);
