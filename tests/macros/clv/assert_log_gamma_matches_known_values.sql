-- ln Gamma(x), both the engine's (log_gamma, dispatched) and the series every engine can evaluate
-- (log_gamma_stirling, Spark's), against known values: ln Gamma(1) = ln Gamma(2) = 0,
-- Gamma(1/2) = sqrt(pi), Gamma(7/2) = 15 sqrt(pi) / 8, Gamma(n) = (n - 1)!, and published values of
-- Gamma(1/10), Gamma(1/3), Gamma(1/4) and Gamma(0.001) (Abramowitz and Stegun, table 6.1). Fails with
-- every value off by more than 1e-10, relative to the value when it is above 1. One third is computed
-- as a double: Spark's decimal division would round it to six places.
with

known as (

    select
        known_values.x,
        known_values.expected
    from (
        values
        (1.0, 0.0),
        (2.0, 0.0),
        (0.5, 0.5 * ln(pi())),
        (3.5, ln(15.0 / 8.0) + 0.5 * ln(pi())),
        (10.0, ln(362880.0)),
        (21.0, ln(2432902008176640000.0)),
        (0.1, ln(9.513507698668731836)),
        (cast(1 as double) / 3, ln(2.678938534707747633)),
        (0.25, ln(3.625609908221908312)),
        (0.001, ln(999.4237724845954661)),
        -- ln(99!)
        (100.0, 359.13420536957539878)
    ) as known_values (x, expected)

),

computed as (

    select
        x,
        expected,
        {{ log_gamma('x') }} as engine_value,
        {{ log_gamma_stirling('x') }} as series_value
    from known

)

select *
from computed
where
    abs(engine_value - expected) > 1e-10 * greatest(1, abs(expected))
    or abs(series_value - expected) > 1e-10 * greatest(1, abs(expected))
    or engine_value is null
    or series_value is null
