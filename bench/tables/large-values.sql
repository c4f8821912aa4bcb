-- Large values: texts of 3-12 KB, jsonb of 40 keys, bytea of 320-960 bytes; 150,000 rows (docs/performance.md, "Rows of large values").
CREATE TABLE docs (id bigint PRIMARY KEY, body text, meta jsonb, blob bytea);
INSERT INTO docs SELECT g, repeat(md5(g::text) || ' lorem ipsum ', 60 + (g % 200)),
  (SELECT jsonb_object_agg('k' || i, repeat('v', 10 + i % 30) || g) FROM generate_series(1, 40) i),
  decode(repeat(md5((g*7)::text), 20 + g % 40), 'hex')
FROM generate_series(1, 150000) g;
