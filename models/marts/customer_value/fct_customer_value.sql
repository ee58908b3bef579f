-- The four value dimensions of DOMAIN.md section 3 side by side, one row per customer: historical,
-- current, prospective and lifetime value (the primary_clv_method), the inputs of the profit tiers
-- (profit, revenue and cost to serve over the analysis window of fct_customer_profitability), and the
-- two flags DOMAIN.md asks to look at before dropping anyone:
--   unprofitable now, valuable over its lifetime: window profit < 0 and clv > valuable_clv_threshold
--   profitable now, not valuable over its lifetime: window profit > 0 and clv <= valuable_clv_threshold
-- A customer with no complete month yet (acquired in the current, partial month) has no history: its
-- value columns are null and has_history is false.
{%- set primary_method = identifier_var('primary_clv_method') %}
{%- set valuable_threshold = number_var('valuable_clv_threshold') %}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

profitability as (

    select * from {{ ref('fct_customer_profitability') }}

),

historical as (

    select * from {{ ref('fct_customer_historical_value') }}

),

current_value as (

    select * from {{ ref('fct_customer_current_value') }}

),

prospective as (

    select * from {{ ref('fct_customer_prospective_value') }}

),

lifetime as (

    select * from {{ ref('fct_customer_lifetime_value') }}
    where clv_method = '{{ primary_method }}'

),

joined as (

    select
        customers.customer_id,
        customers.segment,
        customers.region,
        customers.acquisition_channel,
        historical.profit_since_acquisition,
        historical.profit_last_quarter,
        historical.profit_last_year,
        historical.average_monthly_profit,
        historical.recency_weighted_monthly_profit,
        current_value.customer_profit as current_month_profit,
        current_value.change_vs_previous_month,
        current_value.change_vs_same_month_last_year,
        current_value.change_vs_trailing_average,
        prospective.prospective_value,
        prospective.prospective_basis,
        prospective.remaining_months,
        lifetime.clv_method,
        lifetime.clv,
        lifetime.clv_net_of_acquisition_cost,
        lifetime.acquisition_cost,
        profitability.net_revenue as window_net_revenue,
        profitability.cost_to_serve as window_cost_to_serve,
        profitability.contribution_margin as window_contribution_margin,
        profitability.customer_profit as window_customer_profit,
        historical.months_of_history,
        historical.customer_id is not null as has_history,
        coalesce(current_value.is_active, false) as is_active,
        historical.valuation_month
    from customers
    left join historical
        on customers.customer_id = historical.customer_id
    left join current_value
        on customers.customer_id = current_value.customer_id
    left join prospective
        on customers.customer_id = prospective.customer_id
    left join lifetime
        on customers.customer_id = lifetime.customer_id
    left join profitability
        on customers.customer_id = profitability.customer_id

),

final as (

    select
        customer_id,
        segment,
        region,
        acquisition_channel,
        prospective_basis,
        clv_method,
        profit_since_acquisition,
        profit_last_quarter,
        profit_last_year,
        average_monthly_profit,
        recency_weighted_monthly_profit,
        current_month_profit,
        change_vs_previous_month,
        change_vs_same_month_last_year,
        change_vs_trailing_average,
        prospective_value,
        remaining_months,
        clv,
        acquisition_cost,
        clv_net_of_acquisition_cost,
        window_net_revenue,
        window_cost_to_serve,
        window_contribution_margin,
        window_customer_profit,
        cast(
            case
                when has_history
                    then row_number() over (
                        partition by has_history order by window_customer_profit desc, customer_id asc
                    )
            end
            as {{ dbt.type_int() }}
        ) as profit_rank,
        months_of_history,
        has_history,
        is_active,
        coalesce(window_customer_profit < 0 and clv > {{ valuable_threshold }}, false)
            as is_unprofitable_now_valuable_lifetime,
        coalesce(window_customer_profit > 0 and clv <= {{ valuable_threshold }}, false)
            as is_profitable_now_not_valuable_lifetime,
        valuation_month
    from joined

)

select * from final
