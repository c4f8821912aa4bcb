-- 40 text columns of 1 KB each, 20,000 rows (docs/performance.md, "Rows of large values").
CREATE TABLE notes (id bigint PRIMARY KEY);
DO $$ BEGIN FOR i IN 1..40 LOOP EXECUTE format('ALTER TABLE notes ADD COLUMN t%s text', i); END LOOP; END $$;
INSERT INTO notes SELECT g FROM generate_series(1, 20000) g;
DO $$ BEGIN FOR i IN 1..40 LOOP EXECUTE format('UPDATE notes SET t%s = repeat(md5((id * %s)::text), 32)', i, i); END LOOP; END $$;
