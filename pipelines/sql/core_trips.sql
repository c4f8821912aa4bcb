-- One row per journey: a check-in tap paired with the same card's next tap, when that is a
-- check-out. Taps come from the exports of one day (landing.taps, partition = the run's date).
WITH ordered AS (
    SELECT
        t.tap_id,
        t.card_id,
        t.station_id,
        t.direction,
        t.tapped_at,
        lead(t.direction)  OVER by_card AS next_direction,
        lead(t.station_id) OVER by_card AS next_station_id,
        lead(t.tapped_at)  OVER by_card AS next_tapped_at
    FROM landing.taps AS t
    WINDOW by_card AS (PARTITION BY t.card_id ORDER BY t.tapped_at, t.tap_id)
)
SELECT
    o.tap_id                                           AS trip_id,
    o.card_id,
    coalesce(p.fare_category, 'adult')                 AS fare_category,
    o.station_id                                       AS from_station_id,
    o.next_station_id                                  AS to_station_id,
    o.tapped_at                                        AS started_at,
    o.next_tapped_at                                   AS ended_at,
    date_diff('second', o.tapped_at, o.next_tapped_at) AS duration_s
FROM ordered AS o
LEFT JOIN raw.passengers AS p ON p.card_id = o.card_id
WHERE o.direction = 'in'
  AND o.next_direction = 'out'
  AND o.next_station_id <> o.station_id
