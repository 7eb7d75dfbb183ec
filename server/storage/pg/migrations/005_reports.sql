-- Police case figures and the index of generated weekly reports (server/storage/reports.store.ts).
CREATE TABLE police_figures (
  township_id text NOT NULL,
  week text COLLATE "C" NOT NULL,
  fraud_type text NOT NULL,
  cases integer NOT NULL,
  loss_fen bigint NOT NULL,
  entered_by text,
  entered_at bigint NOT NULL,
  PRIMARY KEY (township_id, week, fraud_type)
);
CREATE INDEX police_by_week ON police_figures (week);

CREATE TABLE weekly_reports (
  week text COLLATE "C" PRIMARY KEY,
  generated_at bigint NOT NULL,
  generated_by text,
  files jsonb NOT NULL
);
