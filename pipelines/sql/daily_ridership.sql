-- Trips that started at each station; a rider is a distinct card.
SELECT
    t.from_station_id                   AS station_id,
    any_value(n.station)                AS station,
    count(*)                            AS trips,
    count(DISTINCT t.card_id)           AS riders,
    round(avg(t.duration_s) / 60.0, 1)  AS avg_trip_minutes
FROM core.trips AS t
JOIN (SELECT DISTINCT station_id, station FROM core.network) AS n
  ON n.station_id = t.from_station_id
GROUP BY t.from_station_id
ORDER BY trips DESC
