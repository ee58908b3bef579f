-- The Gauss hypergeometric series of the BG/NBD forecasts (hypergeometric_tail_series:
-- 2F1(h1, h2; h3; z) = 1 + h2 S with p1 = h1, p2 = h2 + 1, q1 = h3) against closed forms:
--   2F1(1, 1; 2; z) = -ln(1 - z) / z,
--   2F1(h1, h2; h2; z) = (1 - z)^(-h1), also for h1 = -1/2 and -3/2 and h2 = -1/2 (terms that change
--   sign) and h2 = 50 (terms that grow to a peak near j = 450 before they shrink),
--   2F1(1/2, 1; 3/2; z^2) = atanh(z) / z = ln((1 + z) / (1 - z)) / (2 z),
-- up to z = 0.99 (more than a thousand terms). Fails with every point whose error is above its
-- truncation bound (plus 1e-9 for rounding: each term comes from differences of log-gamma values of
-- up to 2e4) or whose bound is missing or above 1e-10.
with

points as (

    select
        closed_forms.point_id,
        closed_forms.h1,
        closed_forms.h2,
        closed_forms.h3,
        closed_forms.z,
        closed_forms.expected
    from (
        values
        (1, 1.0, 1.0, 2.0, 0.5, -ln(1 - 0.5) / 0.5),
        (2, 1.0, 1.0, 2.0, 0.9, -ln(1 - 0.9) / 0.9),
        (3, 1.0, 1.0, 2.0, 0.99, -ln(1 - 0.99) / 0.99),
        (4, 0.3, 2.5, 2.5, 0.7, power(1 - 0.7, -0.3)),
        (5, -0.5, 1.0, 1.0, 0.6, power(1 - 0.6, 0.5)),
        (6, -1.5, 2.0, 2.0, 0.95, power(1 - 0.95, 1.5)),
        (7, 0.5, 1.0, 1.5, 0.64, ln((1 + 0.8) / (1 - 0.8)) / (2 * 0.8)),
        (8, 0.7, -0.5, -0.5, 0.8, power(1 - 0.8, -0.7)),
        (9, 0.3, 50.0, 50.0, 0.9, power(1 - 0.9, -0.3))
    ) as closed_forms (point_id, h1, h2, h3, z, expected)

),

series as (

    {{ hypergeometric_tail_series(
        points='points',
        key_columns=['point_id'],
        p1='h1',
        p2='h2 + 1',
        q1='h3',
        z='z',
        tolerance=1e-12,
        max_terms=5000,
    ) | indent(4) }}

),

compared as (

    select
        points.point_id,
        points.expected,
        1 + points.h2 * series.series_sum as computed,
        points.h2 * series.series_error_bound as error_bound,
        series.series_terms
    from points
    left join series
        on points.point_id = series.point_id

)

select *
from compared
where
    computed is null
    or error_bound is null
    or error_bound > 1e-10
    or abs(computed - expected) > error_bound + 1e-9
