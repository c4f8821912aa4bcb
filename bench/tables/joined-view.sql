-- docs/performance.md, "Rows of hundreds of columns, and shapes not tried before": a view joining two tables; measure it with --table joined.
CREATE TABLE a (id bigint PRIMARY KEY, region text, amount numeric(12,2));
CREATE TABLE b (id bigint PRIMARY KEY, note text);
INSERT INTO a SELECT g, 'r' || (g % 7), (g % 10000) / 100.0 FROM generate_series(1, 300000) g;
INSERT INTO b SELECT g, md5(g::text) FROM generate_series(1, 300000) g;
CREATE VIEW joined AS SELECT a.id, a.region, a.amount, b.note FROM a JOIN b USING (id) WHERE a.id % 2 = 0;
