-- Persistence lag of the events that occurred since :since (a timestamp): from the moment the
-- Lua script appended the event to the outbox (occurred_at, Redis clock) to the commit of
-- its row in PostgreSQL (recorded_at, service clock; same machine here).
--   psql -h 127.0.0.1 -U postgres -d stagedoor_bench -v since="2026-11-22T01:00:00Z" -f bench/persistence-lag.sql
-- recorded_at is taken when the consumer starts writing the event's batch, just before its commit.
SELECT count(*)                                                                          AS events,
       round(extract(epoch FROM max(recorded_at) - min(recorded_at))::numeric, 1)        AS span_s,
       round((count(*) / greatest(extract(epoch FROM max(recorded_at) - min(recorded_at)), 0.001))::numeric)
                                                                                         AS events_per_s,
       round(percentile_cont(0.50) WITHIN GROUP (ORDER BY extract(epoch FROM recorded_at - occurred_at) * 1000)::numeric, 1) AS p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM recorded_at - occurred_at) * 1000)::numeric, 1) AS p99_ms,
       round(max(extract(epoch FROM recorded_at - occurred_at) * 1000)::numeric, 1)      AS max_ms
FROM reservation_event
WHERE occurred_at >= :'since'::timestamptz;
