-- Customer x product category profitability over the analysis window of fct_customer_profitability: one
-- row per customer and product category it bought from or returned to in the window, plus the customer's
-- unattributed row (credit notes, float income, costs of months without product lines), so a customer's
-- rows add up to its window profit. Summed from fct_customer_product_profitability.
{%- set unattributed = var('unattributed_product_id') %}
with

product_months as (

    select * from {{ ref('fct_customer_product_profitability') }}

),

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

window_bounds as (

    select
        max(window_start_month) as window_start_month,
        max(window_end_month) as window_end_month
    from customers

),

in_window as (

    select product_months.*
    from product_months
    inner join window_bounds
        on product_months.period_month between window_bounds.window_start_month and window_bounds.window_end_month

),

final as (

    select
        customer_id,
        product_category,
        cast(sum(net_revenue) as {{ type_money() }}) as net_revenue,
        cast(sum(gross_margin) as {{ type_money() }}) as gross_margin,
        cast(sum(cost_to_serve) as {{ type_money() }}) as cost_to_serve,
        cast(sum(commercial_and_allocated_costs) as {{ type_money() }}) as commercial_and_allocated_costs,
        cast(sum(customer_product_profit) as {{ type_money() }}) as customer_category_profit,
        cast(count(distinct case when not is_unattributed then product_id end) as {{ dbt.type_int() }})
            as products_bought,
        cast(sum(order_line_count) as {{ dbt.type_int() }}) as order_line_count,
        sum(customer_product_profit) > 0 as is_profitable,
        product_category = '{{ unattributed }}' as is_unattributed
    from in_window
    group by 1, 2

)

select * from final
