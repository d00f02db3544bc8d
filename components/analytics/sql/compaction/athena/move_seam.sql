-- Athena only: events_tail's partition projection starts at the new seam, so the views list and
-- read the raw lake only from there. Locally the tail is the files no compaction has read yet.
-- https://docs.aws.amazon.com/athena/latest/ug/alter-table-set-tblproperties.html
-- https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html (date ranges)
ALTER TABLE events_tail SET TBLPROPERTIES ('projection.dt.range' = ':seam,NOW')
