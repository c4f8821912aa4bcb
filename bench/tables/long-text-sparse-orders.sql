-- Three shapes: texts of 640-1,900 bytes (400,000 rows), 12 columns mostly NULL (2M), an orders table with an
-- unconstrained numeric, a char(3), a jsonb and an address (2M) (docs/performance.md, "Long strings copied once").
CREATE TABLE long_text AS
  SELECT g AS id, now() - g * interval '1 second' AS at, (g % 1000)::int AS user_id,
         repeat(md5(g::text), 20 + (g % 40)) AS payload
  FROM generate_series(1, 400000) g;
CREATE TABLE mostly_null AS
  SELECT g AS id,
    CASE WHEN g % 10 = 0 THEN g END AS a, CASE WHEN g % 7 = 0 THEN g::numeric / 3 END AS b,
    CASE WHEN g % 5 = 0 THEN md5(g::text) END AS c, CASE WHEN g % 3 = 0 THEN now() END AS d,
    CASE WHEN g % 11 = 0 THEN g::float8 END AS e, CASE WHEN g % 13 = 0 THEN true END AS f,
    CASE WHEN g % 17 = 0 THEN gen_random_uuid() END AS g2, NULL::text AS h, NULL::int AS i,
    CASE WHEN g % 2 = 0 THEN (g % 100)::smallint END AS j, CASE WHEN g % 19 = 0 THEN current_date END AS k
  FROM generate_series(1, 2000000) g;
CREATE TABLE orders_like AS
  SELECT g AS order_id, (g % 50000)::int AS customer_id, (ARRAY['new','paid','shipped','cancelled'])[1 + g % 4] AS status,
    (g % 99991)::numeric(12,2) / 100 AS amount, 'EUR'::char(3) AS currency, now() - (g % 86400) * interval '1 minute' AS created_at,
    CASE WHEN g % 4 = 2 THEN now() END AS shipped_at, 'street ' || g || ', city ' || (g % 300) AS address,
    jsonb_build_object('src', 'web', 'n', g % 7) AS meta
  FROM generate_series(1, 2000000) g;
