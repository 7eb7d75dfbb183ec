-- A screen-day's proof first finds the day's seq range (min and max seq of the screen's plays that
-- started in the day): with seq in the (screen_id, started_at) index that is a read of the day's index
-- entries alone (an index-only scan), not a visit to each of its rows. Replaces plays_by_screen_time
-- (same key), so writes keep one index of the kind; on a partitioned table this builds the index of
-- every month partition already there, and new months get it with the partition.
CREATE INDEX plays_by_screen_day ON plays (screen_id, started_at) INCLUDE (seq);
DROP INDEX plays_by_screen_time;
