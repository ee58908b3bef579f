-- Current value (DOMAIN.md section 3.2): the customer's latest complete month (the valuation month)
-- against earlier periods, so the effect of a campaign, offer or price change shows. One row per
-- customer with at least one complete month.
--   change vs previous month       = profit of the month - profit of the month before
--   change vs same month last year = profit of the month - profit of the same month a year earlier
--   change vs trailing average     = profit of the month - average monthly profit of the
--                                    value_trailing_months months before it (those the customer existed in)
-- A comparison the customer's history does not reach (a customer younger than a year has no same month
-- last year) is null, not zero.
{%- set trailing_months = positive_int_var('value_trailing_months') %}
{%- set months_in_year = 12 %}
with

customer_months as (

    select * from {{ ref('int_customer_value_months') }}

),

pivoted as (

    select
        customer_id,
        max(valuation_month) as valuation_month,
        max(case when months_before_valuation = 0 then net_revenue end) as net_revenue,
        max(case when months_before_valuation = 0 then contribution_margin end) as contribution_margin,
        max(case when months_before_valuation = 0 then customer_profit end) as customer_profit,
        max(case when months_before_valuation = 1 then customer_profit end) as previous_month_profit,
        max(case when months_before_valuation = {{ months_in_year }} then customer_profit end)
            as same_month_last_year_profit,
        avg(case when months_before_valuation between 1 and {{ trailing_months }} then customer_profit end)
            as trailing_average_profit,
        sum(case when months_before_valuation between 1 and {{ trailing_months }} then 1 else 0 end)
            as trailing_months,
        max(case when months_before_valuation = 0 then is_active end) as is_active
    from customer_months
    group by 1

),

final as (

    select
        customer_id,
        cast(net_revenue as {{ type_money() }}) as net_revenue,
        cast(contribution_margin as {{ type_money() }}) as contribution_margin,
        cast(customer_profit as {{ type_money() }}) as customer_profit,
        cast(previous_month_profit as {{ type_money() }}) as previous_month_profit,
        cast(same_month_last_year_profit as {{ type_money() }}) as same_month_last_year_profit,
        cast({{ round_money('trailing_average_profit') }} as {{ type_money() }}) as trailing_average_profit,
        cast(customer_profit - previous_month_profit as {{ type_money() }}) as change_vs_previous_month,
        cast(customer_profit - same_month_last_year_profit as {{ type_money() }})
            as change_vs_same_month_last_year,
        cast(
            customer_profit - cast({{ round_money('trailing_average_profit') }} as {{ type_money() }})
            as {{ type_money() }}
        ) as change_vs_trailing_average,
        cast(trailing_months as {{ dbt.type_int() }}) as trailing_months,
        is_active,
        valuation_month
    from pivoted

)

select * from final
