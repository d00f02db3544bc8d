-- Athena only: rewrites the small files daily merges add into files of the target size, in the
-- partitions that have enough of them (table properties optimize_rewrite_*). DuckDB's table needs
-- no such step. https://docs.aws.amazon.com/athena/latest/ug/optimize-statement.html
OPTIMIZE events_compacted REWRITE DATA USING BIN_PACK
