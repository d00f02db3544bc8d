-- The seam after a scheduled merge of :window_from (the seam before it) to :window_to, run for the
-- scheduled day :scheduled_day. Every event of the window's days that had reached the lake is in
-- the compacted table now, and an event still to arrive is at most :lookback_days days older than
-- the day it arrives on: so the views may read every day before both the window's end and that
-- bound from the compacted table alone. The seam never moves back. The casts to date: DuckDB's
-- date plus or minus an interval is a timestamp.
SELECT CAST(CAST(greatest(DATE ':window_from', least(DATE ':window_to' + INTERVAL '1' DAY, DATE ':scheduled_day' - INTERVAL ':lookback_days' DAY)) AS date) AS varchar) AS seam
