-- One row per customer and complete month, from the customer's first month to the valuation month
-- (the latest complete month), with what the value marts need: the month's profit and its profit before
-- acquisition cost (the margin that recurs), the customer's groups, the lifecycle events of the
-- customer equity counts, and the customer's own trailing margin.
--   active    int_customer_months.is_active (ordered in the last active_window_months months, or
--             acquired in them): the one definition of the project
--   new       active this month, not active last month: acquired this month, or reactivated (won back)
--   retained  active last month and this month
--   lost      active last month, not this month
-- so that customers active at the start + new - lost = customers active at the end.
{%- set retention_group = choice_var('clv_retention_group', ['segment', 'acquisition_cohort']) %}
{%- set trailing_months = positive_int_var('value_trailing_months') %}
with

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}

),

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

complete_months as (

    select
        customer_id,
        period_month,
        net_revenue,
        contribution_margin,
        customer_profit,
        acquisition_cost,
        retention_cost,
        is_active,
        is_acquisition_month
    from monthly
    where is_complete_month

),

valuation as (

    select max(period_month) as valuation_month
    from complete_months

),

with_groups as (

    select
        complete_months.*,
        customers.segment,
        customers.region,
        customers.acquisition_channel,
        cast(
            cast({{ dbt.date_trunc('year', 'customers.acquisition_date') }} as date) as {{ dbt.type_string() }}
        ) as acquisition_cohort,
        complete_months.customer_profit + complete_months.acquisition_cost as profit_before_acquisition_cost,
        valuation.valuation_month
    from complete_months
    inner join customers
        on complete_months.customer_id = customers.customer_id
    cross join valuation

),

with_trailing_margin as (

    -- the three windows share one partition and order, so DuckDB sorts the rows once for all of them
    -- (lag in the CTE before this one cost a second sort of every customer-month: 8 s at 1M customers)
    select
        *,
        coalesce(lag(is_active) over (partition by customer_id order by period_month), false) as was_active,
        sum(profit_before_acquisition_cost) over (
            partition by customer_id order by period_month
            rows between {{ trailing_months - 1 }} preceding and current row
        ) as own_trailing_margin,
        count(*) over (
            partition by customer_id order by period_month
            rows between {{ trailing_months - 1 }} preceding and current row
        ) as own_trailing_months
    from with_groups

),

final as (

    select
        customer_id,
        period_month,
        segment,
        region,
        acquisition_channel,
        acquisition_cohort,
        {{ retention_group }} as retention_group_key,
        cast(net_revenue as {{ type_money() }}) as net_revenue,
        cast(contribution_margin as {{ type_money() }}) as contribution_margin,
        cast(customer_profit as {{ type_money() }}) as customer_profit,
        cast(acquisition_cost as {{ type_money() }}) as acquisition_cost,
        cast(retention_cost as {{ type_money() }}) as retention_cost,
        cast(profit_before_acquisition_cost as {{ type_money() }}) as profit_before_acquisition_cost,
        cast({{ round_money('own_trailing_margin') }} as {{ type_money() }}) as own_trailing_margin,
        cast(own_trailing_months as {{ dbt.type_int() }}) as own_trailing_months,
        cast({{ months_between('period_month', 'valuation_month') }} as {{ dbt.type_int() }})
            as months_before_valuation,
        is_active,
        was_active,
        is_active and not was_active as is_new,
        is_active and not was_active and is_acquisition_month as is_acquired,
        is_active and not was_active and not is_acquisition_month as is_reactivated,
        was_active and is_active as is_retained,
        was_active and not is_active as is_lost,
        is_acquisition_month,
        valuation_month
    from with_trailing_margin

)

select * from final
