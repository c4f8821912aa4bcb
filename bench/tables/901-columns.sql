-- docs/performance.md, "Rows of hundreds of columns": 901 columns (bigint, then text, double precision and integer in turn), 20,000 rows.
DO $$ DECLARE cols text := ''; vals text := ''; BEGIN
  FOR i IN 1..900 LOOP
    cols := cols || format(', c%s %s', i, CASE i % 3 WHEN 0 THEN 'int' WHEN 1 THEN 'text' ELSE 'double precision' END);
    vals := vals || format(', %s', CASE i % 3 WHEN 0 THEN format('(g + %s) %% 1000', i) WHEN 1 THEN format('''v'' || ((g + %s) %% 50)', i) ELSE format('(g * %s) / 7.0', i) END);
  END LOOP;
  EXECUTE format('CREATE TABLE wide900 (id bigint %s)', cols);
  EXECUTE format('INSERT INTO wide900 SELECT g %s FROM generate_series(1, 20000) g', vals);
END $$;
