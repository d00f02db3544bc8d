-- Athena only: expires snapshots older than vacuum_max_snapshot_age_seconds and deletes the files
-- no snapshot references any more (those OPTIMIZE replaced). DuckDB's table needs no such step.
-- https://docs.aws.amazon.com/athena/latest/ug/vacuum-statement.html
VACUUM events_compacted
