-- BG/NBD forecasts for every (x, t_x, T) group at the fitted parameters: the probability that its
-- customers are still alive and their expected purchases over
-- * each horizon of var clv_purchase_horizons_weeks (columns expected_purchases_<n>_weeks);
-- * the holdout period (the time from the calibration end to the latest purchase date), to compare
--   with the purchases customers actually made then;
-- * each month of the CLV horizon (var clv_forecast_horizon_months), discounted monthly at the monthly
--   equivalent of var annual_discount_rate: sum over m of (E[X(m)] - E[X(m - 1)]) / (1 + d)^m,
--   rearranged as sum over m of E[X(m)] w_m with w_m = v^m - v^(m + 1) (w_H = v^H), v = 1 / (1 + d).
-- The Gauss hypergeometric series behind the expectation depends on (x, T, horizon) only, so it is
-- summed once per such point; expected_purchases_error_bound bounds what its truncation leaves out.
{%- set days_per_unit = clv_days_per_time_unit() %}
{%- set horizon_weeks = positive_int_list_var('clv_purchase_horizons_weeks') %}
{%- set horizon_months = positive_int_var('clv_forecast_horizon_months') %}
{%- set annual_discount_rate = number_var('annual_discount_rate', above=0, below=1) %}
{%- set days_per_month = number_var('clv_days_per_month', 28, 31) %}
{%- set months_per_year = 12 %}
{%- set horizons = [] %}
{%- for weeks in horizon_weeks %}
    {%- do horizons.append({
        'name': 'weeks_' ~ weeks,
        'length': 'cast(' ~ weeks ~ ' * 7 as double) / ' ~ days_per_unit,
        'discount_weight': '0.0',
    }) %}
{%- endfor %}
{%- for month in range(1, horizon_months + 1) %}
    {%- set discount = 'power(1 + ' ~ annual_discount_rate ~ ', -' ~ month ~ ' / ' ~ months_per_year ~ '.0)' %}
    {%- set next_discount = 'power(1 + ' ~ annual_discount_rate ~ ', -' ~ (month + 1) ~ ' / '
        ~ months_per_year ~ '.0)' %}
    {%- do horizons.append({
        'name': 'month_' ~ month,
        'length': month ~ ' * ' ~ days_per_month ~ ' / ' ~ days_per_unit,
        'discount_weight': discount ~ (' - ' ~ next_discount if month < horizon_months else ''),
    }) %}
{%- endfor %}
with

groups as (

    select * from {{ ref('int_customer_rfm_groups') }}

),

customers as (

    select * from {{ ref('int_customer_purchases_summarised') }}

),

parameters as (

    select * from {{ ref('int_bgnbd_parameters_fitted') }}

),

horizons as (
    {%- for horizon in horizons %}

        select
            '{{ horizon.name }}' as horizon_name,
            {{ horizon.length }} as horizon_length,
            {{ horizon.discount_weight }} as discount_weight

        union all
    {%- endfor %}

    select
        'holdout' as horizon_name,
        max(holdout_length) as horizon_length,
        0.0 as discount_weight
    from customers

),

points as (

    {%- set arguments = bgnbd_series_arguments(
        'parameters', 'groups.repeat_purchases', 'groups.customer_age', 'horizons.horizon_length'
    ) %}

    select distinct
        groups.repeat_purchases,
        groups.days_observed,
        horizons.horizon_name,
        {{ arguments.p1 }} as series_p1,
        {{ arguments.p2 }} as series_p2,
        {{ arguments.q1 }} as series_q1,
        {{ arguments.z }} as series_z,
        -- bgnbd_expected_purchases multiplies the series by this: the tolerance applies to purchases
        {{ arguments.error_scale }} as series_error_scale
    from groups
    cross join parameters
    cross join horizons
    where horizons.horizon_length > 0

),

series as (

    {{ hypergeometric_tail_series(
        points='points',
        key_columns=['repeat_purchases', 'days_observed', 'horizon_name'],
        p1='series_p1',
        p2='series_p2',
        q1='series_q1',
        z='series_z',
        tolerance=number_var('clv_series_tolerance', 0, 1, exclusive_min=true),
        max_terms=positive_int_var('clv_series_max_terms'),
        error_scale='series_error_scale',
    ) | indent(4) }}

),

alive as (

    select
        groups.repeat_purchases,
        groups.days_to_last_purchase,
        groups.days_observed,
        groups.customer_age,
        {{ bgnbd_probability_alive(
            'parameters', 'groups.repeat_purchases', 'groups.time_of_last_purchase', 'groups.customer_age'
        ) }} as probability_alive
    from groups
    cross join parameters

),

expected as (

    {%- set arguments = bgnbd_series_arguments(
        'parameters', 'alive.repeat_purchases', 'alive.customer_age', 'horizons.horizon_length'
    ) %}

    select
        alive.repeat_purchases,
        alive.days_to_last_purchase,
        alive.days_observed,
        alive.probability_alive,
        horizons.horizon_name,
        horizons.discount_weight,
        series.series_terms,
        {{ bgnbd_expected_purchases(
            'parameters', 'alive.repeat_purchases', 'alive.customer_age', 'horizons.horizon_length',
            'series.series_sum', 'alive.probability_alive'
        ) }} as expected_purchases,
        series.series_error_bound * {{ arguments.error_scale }} * alive.probability_alive
            as expected_purchases_error_bound
    from alive
    cross join parameters
    inner join series
        on
            alive.repeat_purchases = series.repeat_purchases
            and alive.days_observed = series.days_observed
    inner join horizons
        on series.horizon_name = horizons.horizon_name

),

final as (

    select
        repeat_purchases,
        days_to_last_purchase,
        days_observed,
        max(probability_alive) as probability_alive,
        {%- for weeks in horizon_weeks %}
            max(case when horizon_name = 'weeks_{{ weeks }}' then expected_purchases end)
                as expected_purchases_{{ weeks }}_weeks,
        {%- endfor %}
        coalesce(max(case when horizon_name = 'holdout' then expected_purchases end), 0)
            as expected_holdout_purchases,
        max(case when horizon_name = 'month_{{ horizon_months }}' then expected_purchases end)
            as expected_purchases_clv_horizon,
        sum(expected_purchases * discount_weight) as discounted_expected_purchases,
        -- null when a bound is missing (the series did not shrink fast enough), so a test can catch it
        case
            when count(expected_purchases_error_bound) = count(*) then max(expected_purchases_error_bound)
        end as expected_purchases_error_bound,
        max(series_terms) as series_terms
    from expected
    group by repeat_purchases, days_to_last_purchase, days_observed

)

select * from final
