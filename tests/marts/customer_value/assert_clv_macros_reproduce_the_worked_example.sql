-- The closed forms of macros/lifetime_value.sql on DOMAIN.md's m = 100, r = 0.8, d = 0.10, worked by hand:
--   residual        100 x 0.8 / (1 + 0.10 - 0.8)              = 80 / 0.30  = 266.67
--   first margin    100 x (1 + 0.10) / (1 + 0.10 - 0.8)        = 110 / 0.30 = 366.67
--   end of period   100 / (1 + 0.10 - 0.8)                     = 100 / 0.30 = 333.33
--   growth g = 3%   100 x 0.8 / (1 + 0.10 - 0.8 x 1.03)        = 80 / 0.276 = 289.86
--   horizon T = 5   266.667 x (1 - (0.8 / 1.10) ^ 5)           = 266.667 x (1 - 0.203463) = 212.41
-- and the discounting: 10% a year over 12 months is 10% (0.1000); 12.6825030131969% a year is 1% a month
-- (1.01 ^ 12 = 1.126825030131969); with certain survival (r = 1) the finite horizon is the annuity of
-- prospective value: 12 monthly payments of 100 at 1% are worth 100 x (1 - 1.01 ^ -12) / 0.01 = 1,125.51.
-- Returns every formula whose result, rounded to the cent (rates to 4 decimals), differs from the hand
-- calculation.
with

results as (

    select
        'residual' as formula,
        round({{ clv_residual(100, 0.8, 0.10) }}, 2) as computed,
        266.67 as expected
    union all
    select
        'first margin included' as formula,
        round({{ clv_first_margin_included(100, 0.8, 0.10) }}, 2) as computed,
        366.67 as expected
    union all
    select
        'end of period' as formula,
        round({{ clv_end_of_period(100, 0.8, 0.10) }}, 2) as computed,
        333.33 as expected
    union all
    select
        'margin growth 3%' as formula,
        round({{ clv_with_margin_growth(100, 0.8, 0.10, 0.03) }}, 2) as computed,
        289.86 as expected
    union all
    select
        'finite horizon 5 periods' as formula,
        round({{ clv_finite_horizon(100, 0.8, 0.10, 5) }}, 2) as computed,
        212.41 as expected
    union all
    select
        'annual rate over 12 months' as formula,
        round({{ rate_per_period(0.10, 12) }}, 4) as computed,
        0.1000 as expected
    union all
    select
        'annual rate over 1 month' as formula,
        round({{ rate_per_period(0.126825030131969, 1) }}, 4) as computed,
        0.0100 as expected
    union all
    select
        'annuity 12 months at 1%' as formula,
        round({{ clv_finite_horizon(100, 1, 0.01, 12) }}, 2) as computed,
        1125.51 as expected

)

select *
from results
where computed is null or abs(computed - expected) > 0.00001
