-- The catalogue (media, playlists, schedules, screens, register) as one document, like catalogue.json.
-- One row; `version` counts commits, so a node knows whether another committed since it last read.
CREATE TABLE catalogue (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  version bigint NOT NULL,
  document jsonb NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now()
);
