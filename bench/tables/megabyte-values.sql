-- docs/performance.md, "Values of megabytes": 400 rows, each a 3.2 MB text and a 0.7 MB jsonb.
CREATE TABLE docs (id bigint PRIMARY KEY, title text, body text, meta jsonb);
INSERT INTO docs SELECT g, 'doc ' || g, repeat(md5(g::text), 100000), jsonb_build_object('n', g, 'tags', (SELECT jsonb_agg(md5((g * 1000 + k)::text)) FROM generate_series(1, 20000) k))
  FROM generate_series(1, 400) g;
