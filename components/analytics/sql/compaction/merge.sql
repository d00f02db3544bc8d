-- Moves the lake's events with `dt` from :window_from to :window_to (inclusive) into the compacted
-- table, each event once however often a window is merged: an event already there matches and is
-- left alone, and copies of one id inside the window are reduced to one first, since MERGE would
-- insert every unmatched source row (and Athena refuses a MERGE in which one target row matches
-- several source rows). The target is narrowed to the window's days, where the only
-- possible match of an event lies (its day is part of its key), so the engine reads only those
-- partitions. Athena engine 3 and DuckDB run this same text.
-- https://docs.aws.amazon.com/athena/latest/ug/merge-into-statement.html
-- https://duckdb.org/docs/stable/sql/statements/merge_into
MERGE INTO events_compacted AS target
USING (
    SELECT w.id, w.object, w.api_version, w.created, w.livemode, w.account, w.data, w.type, w.dt, w.event_date
    FROM (
        SELECT
            e.id, e.object, e.api_version, e.created, e.livemode, e.account, e.data, e.type, e.dt,
            CAST(e.dt AS date) AS event_date,
            row_number() OVER (PARTITION BY e.id ORDER BY e.dt, e.type) AS occurrence
        FROM events AS e
        WHERE e.dt BETWEEN ':window_from' AND ':window_to'
    ) AS w
    WHERE w.occurrence = 1
) AS source
ON target.id = source.id AND target.event_date BETWEEN DATE ':window_from' AND DATE ':window_to'
WHEN NOT MATCHED THEN
    INSERT (id, object, api_version, created, livemode, account, data, type, dt, event_date)
    VALUES (source.id, source.object, source.api_version, source.created, source.livemode, source.account, source.data, source.type, source.dt, source.event_date)
