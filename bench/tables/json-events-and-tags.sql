-- JSON events of 300-500 bytes (1M rows), and text arrays beside two texts (1.5M) (docs/performance.md, "Long strings copied once").
CREATE TABLE events_json AS
  SELECT g AS id, now() - g * interval '1 second' AS at,
    jsonb_build_object('user', g % 10000, 'kind', (ARRAY['click','view','buy'])[1 + g % 3], 'path', '/p/' || md5(g::text),
      'ua', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 ' || (g % 50), 'tags', jsonb_build_array('a' || g % 7, 'b' || g % 11),
      'note', repeat(md5((g * 7)::text), 1 + g % 6)) AS payload
  FROM generate_series(1, 1000000) g;
CREATE TABLE tagged AS
  SELECT g AS id, ARRAY['tag-' || g % 100, 'category-' || g % 37, md5(g::text)] AS tags,
    'customer ' || md5(g::text) || ' of ' || (g % 5000) AS name, left(md5((g * 3)::text), 8 + g % 24) AS code
  FROM generate_series(1, 1500000) g;
