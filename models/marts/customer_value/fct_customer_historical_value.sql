-- Historical value (DOMAIN.md section 3.1): what each customer has brought, one row per customer with
-- at least one complete month, as of the valuation month (the latest complete month).
--   profit since the relationship began, over the last quarter (3 months) and the last year (12 months)
--   average monthly profit          = plain average over the customer's months (smooth, stable)
--   recency-weighted monthly profit = sum(w_k x profit_k) / sum(w_k), w_k = 0.5 ^ (k / half-life), k the
--                                     months before the valuation month (var historical_value_half_life_months)
-- Profit is customer profit as fct_customer_profitability_monthly books it, acquisition cost included.
{%- set half_life = number_var('historical_value_half_life_months', above=0) %}
{%- set months_in_quarter = 3 %}
{%- set months_in_year = 12 %}
{%- set weight = 'power(0.5, months_before_valuation / ' ~ half_life ~ ')' %}
with

customer_months as (

    select * from {{ ref('int_customer_value_months') }}

),

summarised as (

    select
        customer_id,
        sum(net_revenue) as net_revenue_since_acquisition,
        sum(customer_profit) as profit_since_acquisition,
        sum(case when months_before_valuation < {{ months_in_quarter }} then customer_profit else 0 end)
            as profit_last_quarter,
        sum(case when months_before_valuation < {{ months_in_year }} then customer_profit else 0 end)
            as profit_last_year,
        avg(customer_profit) as average_monthly_profit,
        sum(customer_profit * {{ weight }}) / sum({{ weight }}) as recency_weighted_monthly_profit,
        count(*) as months_of_history,
        min(period_month) as first_month,
        max(valuation_month) as valuation_month
    from customer_months
    group by 1

),

final as (

    select
        customer_id,
        cast(net_revenue_since_acquisition as {{ type_money() }}) as net_revenue_since_acquisition,
        cast(profit_since_acquisition as {{ type_money() }}) as profit_since_acquisition,
        cast(profit_last_quarter as {{ type_money() }}) as profit_last_quarter,
        cast(profit_last_year as {{ type_money() }}) as profit_last_year,
        cast({{ round_money('average_monthly_profit') }} as {{ type_money() }}) as average_monthly_profit,
        cast({{ round_money('recency_weighted_monthly_profit') }} as {{ type_money() }})
            as recency_weighted_monthly_profit,
        cast(months_of_history as {{ dbt.type_int() }}) as months_of_history,
        first_month,
        valuation_month
    from summarised

)

select * from final
