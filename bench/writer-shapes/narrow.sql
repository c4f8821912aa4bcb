-- bench snapshot's 8-column table as Freshet's files hold it, in DuckDB SQL ({rows}: how many rows).
SELECT g::BIGINT AS id, CASE WHEN g % 10 = 0 THEN NULL ELSE ((g * 7919) % 100000)::INT END AS quantity,
  (((g * 31) % 10000000) / 100.0)::DECIMAL(12,2) AS amount,
  CASE WHEN g % 17 = 0 THEN NULL ELSE left(md5(g::VARCHAR), (g % 30)::INT) END AS note, g % 3 = 0 AS active,
  DATE '2020-01-01' + (g % 2000)::INT AS day, TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_seconds(g) AS at,
  md5(g::VARCHAR)::UUID AS ref
FROM range(1, {rows} + 1) t(g)
