-- A catalogue commit writes what it changed, not the whole document (issue 14): each commit's delta
-- (server/storage/catalogue.delta.ts) is kept under the version it made, and `document` holds the
-- catalogue at `document_version` (NULL: at `version`, as rows written whole always were). Nodes read
-- the document and the deltas after it; now and then one folds the deltas in and drops them.
ALTER TABLE catalogue ADD COLUMN document_version bigint;
CREATE TABLE catalogue_changes (
  version bigint PRIMARY KEY,
  delta jsonb NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now()
);
