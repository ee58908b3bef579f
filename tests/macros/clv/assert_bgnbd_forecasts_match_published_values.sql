-- BG/NBD forecasts at the published CDNOW parameters r = 0.2426, alpha = 4.4135, a = 0.7929,
-- b = 2.4258 (weeks) for the customer with x = 2, t_x = 30.43, T = 38.86: probability alive 0.7266 and
-- 1.2259 expected purchases in the next 39 weeks (Fader, Hardie and Lee 2005; the values of issue 4),
-- within 0.0001 (the published values have four decimals), summed both ways bgnbd_expected_purchases
-- knows (the transformed and the direct series). Two more checks:
-- * at r = 5, alpha = 20 (a + b - 1 - r < 0, where the transformed series alternates in sign) both ways
--   agree within 1e-8 (on DuckDB within 1e-12; Spark's log-gamma is Stirling's series, whose ~1e-11
--   errors the two forms amplify differently, to about 3e-9);
-- * at a = 1, where the direct form divides 0 by 0, the expected purchases equal the mean of those at
--   a = 1 -+ 1e-5 within 1e-8 (the limit is continuous; the second difference is about 1e-10).
with

parameters as (

    select
        parameter_sets.parameter_set,
        parameter_sets.r,
        parameter_sets.alpha,
        parameter_sets.a,
        parameter_sets.b,
        parameter_sets.use_euler
    from (
        values
        ('published', 0.2426, 4.4135, 0.7929, 2.4258, true),
        ('published direct', 0.2426, 4.4135, 0.7929, 2.4258, false),
        ('frequent', 5.0, 20.0, 0.7929, 2.4258, true),
        ('frequent direct', 5.0, 20.0, 0.7929, 2.4258, false),
        ('a below 1', 0.2426, 4.4135, 1.0 - 1e-5, 2.4258, true),
        ('a = 1', 0.2426, 4.4135, 1.0, 2.4258, true),
        ('a above 1', 0.2426, 4.4135, 1.0 + 1e-5, 2.4258, true)
    ) as parameter_sets (parameter_set, r, alpha, a, b, use_euler)

),

customer as (

    select
        2 as x,
        30.43 as t_x,
        38.86 as t_cal,
        39.0 as horizon

),

points as (

    {%- set arguments = bgnbd_series_arguments(
        'parameters', 'customer.x', 'customer.t_cal', 'customer.horizon', use_euler='parameters.use_euler'
    ) %}

    select
        parameters.parameter_set,
        {{ arguments.p1 }} as series_p1,
        {{ arguments.p2 }} as series_p2,
        {{ arguments.q1 }} as series_q1,
        {{ arguments.z }} as series_z
    from parameters
    cross join customer

),

series as (

    {{ hypergeometric_tail_series(
        points='points',
        key_columns=['parameter_set'],
        p1='series_p1',
        p2='series_p2',
        q1='series_q1',
        z='series_z',
        tolerance=1e-12,
        max_terms=5000,
    ) | indent(4) }}

),

alive as (

    select
        parameters.parameter_set,
        parameters.r,
        parameters.alpha,
        parameters.a,
        parameters.b,
        parameters.use_euler,
        customer.x,
        customer.t_cal,
        customer.horizon,
        {{ bgnbd_probability_alive('parameters', 'customer.x', 'customer.t_x', 'customer.t_cal') }}
            as probability_alive
    from parameters
    cross join customer

),

forecasts as (

    select
        alive.parameter_set,
        alive.probability_alive,
        {{ bgnbd_expected_purchases(
            'alive', 'alive.x', 'alive.t_cal', 'alive.horizon', 'series.series_sum', 'alive.probability_alive',
            use_euler='alive.use_euler'
        ) }} as expected_purchases
    from alive
    inner join series
        on alive.parameter_set = series.parameter_set

),

checks as (

    select
        'published probability alive' as check_name,
        max(probability_alive) as computed,
        0.7266 as expected,
        0.0001 as tolerance
    from forecasts
    where parameter_set = 'published'

    union all

    select
        'published expected purchases in 39 weeks, ' || parameter_set as check_name,
        expected_purchases as computed,
        1.2259 as expected,
        0.0001 as tolerance
    from forecasts
    where parameter_set in ('published', 'published direct')

    union all

    select
        'frequent buyers: transformed against direct series' as check_name,
        max(case when parameter_set = 'frequent' then expected_purchases end) as computed,
        max(case when parameter_set = 'frequent direct' then expected_purchases end) as expected,
        1e-8 as tolerance
    from forecasts

    union all

    select
        'expected purchases at a = 1 against the mean of its neighbours' as check_name,
        max(case when parameter_set = 'a = 1' then expected_purchases end) as computed,
        avg(case when parameter_set in ('a below 1', 'a above 1') then expected_purchases end) as expected,
        1e-8 as tolerance
    from forecasts

)

select *
from checks
where computed is null or expected is null or abs(computed - expected) > tolerance
