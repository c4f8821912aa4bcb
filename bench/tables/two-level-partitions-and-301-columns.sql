-- docs/performance.md, "Rows of hundreds of columns, and shapes not tried before": a table partitioned by month, then by region,
-- with a default partition at both levels; a table reshaped after its rows (identity, generated, dropped and added columns); 301 columns.
-- a sub-partitioned table (range by month, then list by region) with a default partition at each level
CREATE TABLE sales (id bigint, region text, sold_at date, amount numeric(12,2), note text) PARTITION BY RANGE (sold_at);
CREATE TABLE sales_2024 PARTITION OF sales FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (region);
CREATE TABLE sales_2024_eu PARTITION OF sales_2024 FOR VALUES IN ('eu');
CREATE TABLE sales_2024_us PARTITION OF sales_2024 FOR VALUES IN ('us');
CREATE TABLE sales_2024_other PARTITION OF sales_2024 DEFAULT;
CREATE TABLE sales_default PARTITION OF sales DEFAULT;
INSERT INTO sales SELECT g, (ARRAY['eu','us','apac','latam'])[1 + g % 4], date '2023-06-01' + (g % 700)::int, (g % 100000) / 100.0, md5(g::text)
  FROM generate_series(1, 1500000) g;
-- dropped columns, a generated column, an identity, a column added with a default after the rows
CREATE TABLE reshaped (id bigint GENERATED ALWAYS AS IDENTITY, a int, gone1 text, b text, gone2 numeric, c timestamptz,
  total numeric GENERATED ALWAYS AS (a * 2.5) STORED);
INSERT INTO reshaped (a, gone1, b, gone2, c) SELECT g, 'x' || g, md5(g::text), g, timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series(1, 1500000) g;
ALTER TABLE reshaped DROP COLUMN gone1, DROP COLUMN gone2;
ALTER TABLE reshaped ADD COLUMN late text DEFAULT 'late default', ADD COLUMN late_n int DEFAULT 7;
-- 300 columns
DO $$ DECLARE cols text := ''; vals text := ''; BEGIN
  FOR i IN 1..300 LOOP
    cols := cols || format(', c%s %s', i, CASE i % 3 WHEN 0 THEN 'int' WHEN 1 THEN 'text' ELSE 'double precision' END);
    vals := vals || format(', %s', CASE i % 3 WHEN 0 THEN format('(g + %s) %% 1000', i) WHEN 1 THEN format('''v'' || ((g + %s) %% 50)', i) ELSE format('(g * %s) / 7.0', i) END);
  END LOOP;
  EXECUTE format('CREATE TABLE wide300 (id bigint %s)', cols);
  EXECUTE format('INSERT INTO wide300 SELECT g %s FROM generate_series(1, 40000) g', vals);
END $$;
