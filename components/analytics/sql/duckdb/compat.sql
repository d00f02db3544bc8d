-- Where DuckDB's SQL differs from Athena's (Trino), for the SQL shared by views/ and queries/:
-- DuckDB stand-ins for the Trino functions that SQL calls, so the text runs unchanged on both.
-- tests/components/analytics/sql.test.ts checks each against Trino's documented results.
-- Trino's from_unixtime(x) is a UTC timestamp; make_timestamp takes microseconds.
CREATE MACRO from_unixtime(seconds) AS make_timestamp(CAST(seconds AS BIGINT) * 1000000);
-- Trino's cardinality(array) is DuckDB's len(list).
CREATE MACRO cardinality(items) AS len(items);
-- Trino's sequence(start, stop[, step]) is DuckDB's generate_series; over dates it yields timestamps,
-- which the shared SQL casts back to date.
CREATE MACRO sequence(first, last) AS generate_series(first, last), (first, last, step) AS generate_series(first, last, step);
-- The other difference, integer division (Trino: 7 / 2 = 3, DuckDB: 3.5), has no stand-in: the shared
-- SQL casts the left side of every division to double, which tests/components/analytics/sql.test.ts enforces.
