-- bench snapshot's 22-column table as Freshet's files hold it, in DuckDB SQL ({rows}: how many rows).
SELECT g::BIGINT AS id, (g * 7919 % 100000)::INT AS qty, (g % 300)::SMALLINT AS flags,
  ((g * 31 % 10000000) / 100.0)::DECIMAL(12,2) AS price, ((g * 17 % 1000000000) / 1000000.0)::DECIMAL(18,6) AS rate,
  CASE WHEN g % 7 = 0 THEN NULL ELSE ((g * 13 % 100000000000) / 1000.0)::VARCHAR END AS total,
  ((g % 1000) / 7.0)::REAL AS ratio, (g / 3.0)::DOUBLE AS score, g % 2 = 0 AS active,
  'customer ' || (g % 100000) AS name, 'city-' || (g % 500) AS city,
  CASE WHEN g % 5 = 0 THEN NULL ELSE repeat(md5(g::VARCHAR), 1 + (g % 3)::INT) END AS note,
  DATE '2020-01-01' + (g % 2000)::INT AS day,
  TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_seconds(g) AS created, TIMESTAMPTZ '2021-01-01 00:00:00+00' + to_seconds(2 * g) AS updated,
  CASE WHEN g % 4 = 0 THEN NULL ELSE TIMESTAMPTZ '2022-01-01 00:00:00+00' + to_seconds(3 * g) END AS shipped,
  TIMESTAMP '2020-01-01' + to_seconds(g) AS local_at,
  ('{"k": ' || (g % 100) || ', "ok": ' || (g % 2 = 0) || ', "tag": "v' || (g % 7) || '"}')::JSON AS attrs,
  md5(g::VARCHAR)::UUID AS ref, md5((g + 1)::VARCHAR)::UUID AS parent,
  [(g % 10)::INT, (g % 100)::INT, (g % 1000)::INT] AS tags_n, ['a' || (g % 3), 'b' || (g % 5)] AS tags
FROM range(1, {rows} + 1) t(g)
