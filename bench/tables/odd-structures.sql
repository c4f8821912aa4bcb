-- docs/performance.md, eleventh round: structures and values no round had tried.
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty int, price numeric(10,2),
  total numeric(12,2) GENERATED ALWAYS AS (qty * price) STORED, "Order Note" text, "select" varchar(20), dropped_me int, code char(8));
INSERT INTO orders (qty, price, "Order Note", "select", dropped_me, code)
  SELECT g % 50, (g % 10000) / 100.0, CASE WHEN g % 11 = 0 THEN NULL ELSE 'note ' || g || ' ✓ é' END, 'k' || (g % 300), g, 'C' || (g % 999)
  FROM generate_series(1, 500000) g;
ALTER TABLE orders DROP COLUMN dropped_me;
CREATE DOMAIN positive_amount AS numeric(14,4) CHECK (VALUE >= 0);
CREATE TYPE pair AS (a int, b text);
CREATE TABLE specials (id int PRIMARY KEY, amount positive_amount, f float8, r real, n numeric, ts timestamptz, d date, p pair,
  ia int[], nothing text, big text);
INSERT INTO specials SELECT g, (g % 100000) / 3.0,
  CASE g % 5 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN 'Infinity' WHEN 2 THEN '-Infinity' ELSE g / 7.0 END,
  CASE g % 4 WHEN 0 THEN 'NaN'::real ELSE g / 3.0 END,
  CASE g % 6 WHEN 0 THEN 'NaN'::numeric WHEN 1 THEN 1e-30 WHEN 2 THEN -12345678901234567890.123456789 ELSE g END,
  CASE g % 9 WHEN 0 THEN 'infinity'::timestamptz WHEN 1 THEN '-infinity' WHEN 2 THEN '0044-03-15 12:00:00+00 BC' ELSE now() - g * interval '1 minute' END,
  CASE g % 7 WHEN 0 THEN 'infinity'::date WHEN 1 THEN '4713-01-01 BC' ELSE date '2000-01-01' + g % 9000 END,
  ROW(g, 'b' || g)::pair,
  CASE g % 3 WHEN 0 THEN '{}'::int[] WHEN 1 THEN ARRAY[g, NULL, g + 1] ELSE NULL END,
  NULL,
  CASE WHEN g % 20000 = 0 THEN repeat(md5(g::text), 40000) ELSE 'small' END
  FROM generate_series(1, 200000) g;
VACUUM ANALYZE;
