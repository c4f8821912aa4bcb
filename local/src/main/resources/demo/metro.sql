-- The Prague metro's operational database, as the demo seeds it: three lines, their stations
-- (a transfer station has one platform per line), both directions of each line, passengers
-- and a day of gate taps. ${DAY} is replaced with the day before the demo's morning.
CREATE TABLE stations (station_id text PRIMARY KEY, name text NOT NULL, line text NOT NULL);
CREATE TABLE routes (route_id text PRIMARY KEY, line text NOT NULL, direction text NOT NULL);
CREATE TABLE route_stations (route_id text, stop_sequence int, station_id text, PRIMARY KEY (route_id, stop_sequence));
CREATE TABLE passengers (card_id text PRIMARY KEY, fare_category text NOT NULL);
CREATE TABLE taps (tap_id bigint PRIMARY KEY, card_id text NOT NULL, station_id text NOT NULL,
                   direction text NOT NULL, tapped_at timestamptz NOT NULL);

INSERT INTO stations VALUES
  ('A01', 'Nemocnice Motol', 'A'), ('A02', 'Dejvická', 'A'), ('A03', 'Hradčanská', 'A'),
  ('A04', 'Malostranská', 'A'), ('A05', 'Staroměstská', 'A'), ('A06', 'Můstek', 'A'),
  ('A07', 'Muzeum', 'A'), ('A08', 'Náměstí Míru', 'A'), ('A09', 'Depo Hostivař', 'A'),
  ('B01', 'Zličín', 'B'), ('B02', 'Anděl', 'B'), ('B03', 'Karlovo náměstí', 'B'),
  ('B04', 'Národní třída', 'B'), ('B05', 'Můstek', 'B'), ('B06', 'Náměstí Republiky', 'B'),
  ('B07', 'Florenc', 'B'), ('B08', 'Černý Most', 'B'),
  ('C01', 'Letňany', 'C'), ('C02', 'Nádraží Holešovice', 'C'), ('C03', 'Florenc', 'C'),
  ('C04', 'Hlavní nádraží', 'C'), ('C05', 'Muzeum', 'C'), ('C06', 'I. P. Pavlova', 'C'),
  ('C07', 'Pražského povstání', 'C'), ('C08', 'Háje', 'C');

INSERT INTO routes VALUES
  ('A-E', 'A', 'Depo Hostivař'), ('A-W', 'A', 'Nemocnice Motol'),
  ('B-E', 'B', 'Černý Most'), ('B-W', 'B', 'Zličín'),
  ('C-S', 'C', 'Háje'), ('C-N', 'C', 'Letňany');

INSERT INTO route_stations
SELECT r.route_id,
       row_number() OVER (PARTITION BY r.route_id ORDER BY CASE WHEN r.route_id LIKE '%-W' OR r.route_id = 'C-N'
                                                              THEN -substr(s.station_id, 2)::int ELSE substr(s.station_id, 2)::int END),
       s.station_id
FROM routes r JOIN stations s ON s.line = r.line;

INSERT INTO passengers
SELECT 'card-' || lpad(i::text, 4, '0'),
       (ARRAY['adult', 'adult', 'adult', 'student', 'senior', 'child'])[1 + (i * 7) % 6]
FROM generate_series(1, 800) AS i;

-- A day of journeys: each a check-in and, 4 to 40 minutes later, a check-out elsewhere.
INSERT INTO taps
SELECT 2 * j.n - 1 + k, j.card_id, CASE k WHEN 0 THEN j.from_id ELSE j.to_id END, CASE k WHEN 0 THEN 'in' ELSE 'out' END,
       j.started + CASE k WHEN 0 THEN interval '0' ELSE j.minutes * interval '1 minute' END
FROM (
    SELECT n,
           'card-' || lpad((1 + (n * 37) % 800)::text, 4, '0') AS card_id,
           (SELECT station_id FROM stations ORDER BY station_id OFFSET (n * 13) % 25 LIMIT 1) AS from_id,
           (SELECT station_id FROM stations ORDER BY station_id OFFSET (n * 13 + 1 + (n % 23)) % 25 LIMIT 1) AS to_id,
           (timestamp '${DAY} 05:00' + (n * 17 % 1140) * interval '1 minute') AT TIME ZONE 'Europe/Prague' AS started,
           4 + (n * 11) % 37 AS minutes
    FROM generate_series(1, 3000) AS n
) AS j CROSS JOIN generate_series(0, 1) AS k;
