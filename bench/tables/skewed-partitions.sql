-- A partitioned table that is mostly one leaf: three small monthly partitions and a default holding 90% of 4M rows
-- (docs/performance.md, "Partitioned tables").
CREATE TABLE events (id bigint, at date, kind text, amount numeric(12,2), payload text) PARTITION BY RANGE (at);
CREATE TABLE events_2026_01 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE events_2026_02 PARTITION OF events FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE events_2026_03 PARTITION OF events FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
CREATE TABLE events_rest PARTITION OF events DEFAULT;
INSERT INTO events SELECT g, CASE WHEN g % 10 = 0 THEN date '2026-01-01' + (g % 90)::int ELSE date '2027-01-01' + (g % 365)::int END,
  (ARRAY['view','click','buy'])[1 + g % 3], (g % 100000) / 100.0, CASE WHEN g % 4 = 0 THEN NULL ELSE md5(g::text) END
FROM generate_series(1, 4000000) g;
