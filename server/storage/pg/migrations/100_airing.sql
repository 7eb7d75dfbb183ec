-- The airing log on PostgreSQL (server/storage/pg/airing.pg.ts): the same tables as airing.sqlite3.
-- Plays are partitioned by month of started_at (epoch ms, UTC months); the store creates each month's
-- partition before it writes there, and retention drops whole old months. Chain columns may be null
-- only in a row someone inserted by hand: the chain check names it. Links are the 32 bytes of the
-- SHA-256 (as in SQLite); chain heads and anchors keep them as hex.
CREATE TABLE plays (
  id text NOT NULL,
  screen_id text NOT NULL,
  item_id text NOT NULL,
  media_id text NOT NULL,
  hash text NOT NULL,
  manifest_version text NOT NULL,
  started_at bigint NOT NULL,
  ended_at bigint NOT NULL,
  completed smallint NOT NULL,
  received_at bigint NOT NULL,
  is_provisional smallint NOT NULL,
  planned_started_at bigint,
  outcome text,
  clock_offset_ms bigint,
  seq bigint,
  prev_hash bytea,
  record_hash bytea
) PARTITION BY RANGE (started_at);
CREATE INDEX plays_by_screen_seq ON plays (screen_id, seq);
CREATE INDEX plays_by_screen_time ON plays (screen_id, started_at);
CREATE INDEX plays_by_time ON plays (started_at);

-- A play id is stored once, whatever month it started in (a resent id keeps the first record):
-- a unique index on a partitioned table would have to include started_at.
CREATE TABLE play_ids (id text PRIMARY KEY);

-- Per local day (server zone), screen and media item; provisional (unclaimed) plays in rows of their own.
CREATE TABLE rollups (
  day text COLLATE "C" NOT NULL,
  screen_id text NOT NULL,
  media_id text NOT NULL,
  is_provisional smallint NOT NULL,
  plays bigint NOT NULL,
  completed bigint NOT NULL,
  airtime_ms bigint NOT NULL,
  PRIMARY KEY (day, screen_id, media_id, is_provisional)
);

-- Each screen's last chained record (locked FOR UPDATE while a batch chains onto it, so nodes take
-- turns per screen), and the last one pruned (where verification starts).
CREATE TABLE chain_heads (screen_id text PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL);
CREATE TABLE chain_anchors (screen_id text PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL);

-- Heartbeats as online intervals: [start, end] = first and last heartbeat of a run without a gap.
CREATE TABLE online_intervals (
  screen_id text NOT NULL,
  start_at bigint NOT NULL,
  end_at bigint NOT NULL,
  beats bigint NOT NULL,
  PRIMARY KEY (screen_id, start_at)
);
CREATE INDEX online_intervals_by_end ON online_intervals (end_at);

-- A heartbeat's health report (cache, storage, errors …), kept only when it says something new.
CREATE TABLE heartbeat_health (
  row_id bigserial PRIMARY KEY,
  screen_id text NOT NULL,
  received_at bigint NOT NULL,
  sent_at bigint NOT NULL,
  manifest_version text,
  uptime_ms bigint NOT NULL,
  details text NOT NULL
);
CREATE INDEX heartbeat_health_by_screen_time ON heartbeat_health (screen_id, received_at);
