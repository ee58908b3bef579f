-- Retention-based lifetime value of every customer in every complete month, as it stood at the end of
-- that month: the fct_customer_lifetime_value row of the valuation month, and the CLV behind each
-- month of fct_customer_equity_monthly.
--   expected monthly margin m1 = (own profit before acquisition cost over the last n <= N months
--                                 + (N - n) x the group's average monthly margin) / N,
--                                 N = value_trailing_months: a short history is filled with the group's
--                                 average instead of being extrapolated from one or two months
--   per CLV period of P = clv_period_months months:
--     margin m = m1 x P;  retention r = (monthly retention rate of the group) ^ P;
--     discount d = (1 + annual_discount_rate) ^ (P / 12) - 1
--   CLV = m x r / (1 + d - r) for an active customer; 0 for a lost one (the closed form is a
--   lost-for-good model: a customer who comes back is counted anew)
-- The group is the customer's segment or acquisition cohort (var clv_retention_group); a group with
-- fewer than retention_min_observations customer-months behind a rate uses the all-customers rate.
{%- set retention_group = choice_var('clv_retention_group', ['segment', 'acquisition_cohort']) %}
{%- set trailing_months = positive_int_var('value_trailing_months') %}
{%- set min_observations = positive_int_var('retention_min_observations') %}
{%- set period_months = positive_int_var('clv_period_months') %}
{%- set annual_discount_rate = number_var('annual_discount_rate', above=0, below=1) %}
with

customer_months as (

    select * from {{ ref('int_customer_value_months') }}

),

group_rates as (

    select * from {{ ref('int_customer_value_groups_monthly') }}

),

own_group as (

    select * from group_rates
    where group_type = '{{ retention_group }}'

),

all_customers as (

    select * from group_rates
    where group_type = 'all_customers'

),

with_rates as (

    select
        customer_months.*,
        case
            when own_group.retention_observations >= {{ min_observations }} then '{{ retention_group }}'
            else 'all_customers'
        end as retention_basis,
        case
            when own_group.retention_observations >= {{ min_observations }} then own_group.monthly_retention_rate
            else all_customers.monthly_retention_rate
        end as monthly_retention_rate,
        case
            when own_group.retention_observations >= {{ min_observations }} then own_group.retention_observations
            else all_customers.retention_observations
        end as retention_observations,
        case
            when own_group.margin_observations >= {{ min_observations }} then '{{ retention_group }}'
            else 'all_customers'
        end as margin_basis,
        case
            when own_group.margin_observations >= {{ min_observations }} then own_group.average_monthly_margin
            else all_customers.average_monthly_margin
        end as group_monthly_margin
    from customer_months
    inner join own_group
        on
            customer_months.period_month = own_group.period_month
            and customer_months.retention_group_key = own_group.group_key
    inner join all_customers
        on customer_months.period_month = all_customers.period_month

),

with_margin as (

    select
        *,
        case
            when group_monthly_margin is null
                then cast(own_trailing_margin as double) / own_trailing_months
            else
                (
                    own_trailing_margin
                    + ({{ trailing_months }} - own_trailing_months) * group_monthly_margin
                ) / {{ trailing_months }}
        end as expected_monthly_margin
    from with_rates

),

per_period as (

    select
        *,
        expected_monthly_margin * {{ period_months }} as margin_per_period,
        power(monthly_retention_rate, {{ period_months }}) as retention_rate,
        {{ rate_per_period(annual_discount_rate, period_months) }} as discount_rate
    from with_margin

),

final as (

    select
        customer_id,
        period_month,
        segment,
        region,
        acquisition_channel,
        retention_group_key,
        retention_basis,
        margin_basis,
        acquisition_cost,
        retention_cost,
        cast(own_trailing_months as {{ dbt.type_int() }}) as own_trailing_months,
        cast(retention_observations as {{ dbt.type_int() }}) as retention_observations,
        cast(group_monthly_margin as double) as group_monthly_margin,
        cast(expected_monthly_margin as double) as expected_monthly_margin,
        cast(margin_per_period as double) as margin_per_period,
        cast(monthly_retention_rate as double) as monthly_retention_rate,
        cast(retention_rate as double) as retention_rate,
        cast(discount_rate as double) as discount_rate,
        cast(
            {{ round_money(
                'case when not is_active then 0 else '
                ~ clv_residual('margin_per_period', 'retention_rate', 'discount_rate') ~ ' end'
            ) }}
            as {{ type_money() }}
        ) as clv,
        is_active,
        was_active,
        is_new,
        is_acquired,
        is_reactivated,
        is_retained,
        is_lost,
        valuation_month
    from per_period

)

select * from final
