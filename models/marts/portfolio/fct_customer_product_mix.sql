-- Per customer, the products it bought over the analysis window and how many of them were profitable for
-- it (DOMAIN.md section 5: a customer who buys one profitable and two unprofitable products is
-- unprofitable overall). A product counts as bought when the customer has a row for it in the window; it
-- is profitable for the customer when its window profit (fct_customer_product_profitability summed over
-- the window) is above 0 and unprofitable when below 0. profit_from_profitable_products +
-- loss_from_unprofitable_products + unattributed_profit = customer_profit, the customer's window profit.
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

products as (

    select
        product_months.customer_id,
        product_months.product_id,
        max(product_months.is_unattributed) as is_unattributed,
        sum(product_months.customer_product_profit) as product_profit
    from product_months
    inner join window_bounds
        on product_months.period_month between window_bounds.window_start_month and window_bounds.window_end_month
    group by 1, 2

),

per_customer as (

    select
        customer_id,
        sum(case when not is_unattributed then 1 else 0 end) as products_bought,
        sum(case when not is_unattributed and product_profit > 0 then 1 else 0 end) as profitable_products,
        sum(case when not is_unattributed and product_profit < 0 then 1 else 0 end) as unprofitable_products,
        sum(case when not is_unattributed and product_profit > 0 then product_profit else 0 end)
            as profit_from_profitable_products,
        sum(case when not is_unattributed and product_profit < 0 then product_profit else 0 end)
            as loss_from_unprofitable_products,
        sum(case when is_unattributed then product_profit else 0 end) as unattributed_profit
    from products
    group by 1

),

final as (

    select
        customers.customer_id,
        cast(coalesce(per_customer.products_bought, 0) as {{ dbt.type_int() }}) as products_bought,
        cast(coalesce(per_customer.profitable_products, 0) as {{ dbt.type_int() }}) as profitable_products,
        cast(coalesce(per_customer.unprofitable_products, 0) as {{ dbt.type_int() }}) as unprofitable_products,
        cast(coalesce(per_customer.profit_from_profitable_products, 0) as {{ type_money() }})
            as profit_from_profitable_products,
        cast(coalesce(per_customer.loss_from_unprofitable_products, 0) as {{ type_money() }})
            as loss_from_unprofitable_products,
        cast(coalesce(per_customer.unattributed_profit, 0) as {{ type_money() }}) as unattributed_profit,
        cast(customers.customer_profit as {{ type_money() }}) as customer_profit,
        customers.customer_profit < 0 and coalesce(per_customer.profitable_products, 0) > 0
            as is_unprofitable_despite_profitable_products
    from customers
    left join per_customer
        on customers.customer_id = per_customer.customer_id

)

select * from final
