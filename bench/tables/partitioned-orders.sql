-- A partitioned table for bench snapshot --sql: six monthly partitions, 4M rows (docs/performance.md, "Partitioned tables").
CREATE TABLE orders (id bigint, placed date, customer text, amount numeric(12,2), status text, note text) PARTITION BY RANGE (placed);
CREATE TABLE orders_2026_01 PARTITION OF orders FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE orders_2026_02 PARTITION OF orders FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE orders_2026_03 PARTITION OF orders FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
CREATE TABLE orders_2026_04 PARTITION OF orders FOR VALUES FROM ('2026-04-01') TO ('2026-05-01');
CREATE TABLE orders_2026_05 PARTITION OF orders FOR VALUES FROM ('2026-05-01') TO ('2026-06-01');
CREATE TABLE orders_2026_06 PARTITION OF orders FOR VALUES FROM ('2026-06-01') TO ('2026-07-01');
INSERT INTO orders SELECT g, date '2026-01-01' + (g % 181)::int, 'customer ' || (g % 50000), (g % 100000) / 100.0,
  (ARRAY['new','paid','shipped','returned'])[1 + g % 4], CASE WHEN g % 3 = 0 THEN NULL ELSE md5(g::text) END
FROM generate_series(1, 4000000) g;
