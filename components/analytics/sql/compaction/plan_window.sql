-- The end of a scheduled merge's window: from the seam (:window_from) at most :window_days days on,
-- and not past the scheduled day. A seam far behind (the first run over a long history, or a seam
-- started over) is caught up one such window after another, so no single MERGE reads years of
-- small files. The cast to date first: DuckDB's date plus interval is a timestamp.
SELECT CAST(CAST(least(DATE ':window_from' + INTERVAL ':window_days' DAY, DATE ':scheduled_day') AS date) AS varchar) AS window_to
