-- Every event of the lake exactly once, for the views to read when compaction is on
-- (docs/compaction.md, "The seam"): the compacted table, plus the raw events of the tail that the
-- compacted table does not hold yet. An event id has one key in the lake, so one `dt`: matching
-- on (dt, id) finds every copy and lets the engine skip compacted files of other days.
-- Deployed, events_tail is the lake read from the seam on (its partition projection starts
-- there); locally it is the lake's files that no compaction has read yet.
SELECT c.id, c.object, c.api_version, c.created, c.livemode, c.account, c.data, c.type, c.dt
FROM events_compacted AS c
UNION ALL
SELECT t.id, t.object, t.api_version, t.created, t.livemode, t.account, t.data, t.type, t.dt
FROM events_tail AS t
WHERE NOT EXISTS (SELECT 1 FROM events_compacted AS m WHERE m.dt = t.dt AND m.id = t.id)
