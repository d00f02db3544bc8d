-- The seam after a scheduled merge of :window_from (the seam before it) to :window_to (the
-- scheduled day): every event older than :lookback_days days before that day has reached the lake
-- by then and was merged, so the views may read those days from the compacted table alone. The
-- seam never moves back. The cast to date first: DuckDB's date minus interval is a timestamp.
SELECT CAST(CAST(greatest(DATE ':window_from', DATE ':window_to' - INTERVAL ':lookback_days' DAY) AS date) AS varchar) AS seam
