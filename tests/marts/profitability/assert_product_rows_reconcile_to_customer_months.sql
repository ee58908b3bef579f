-- Customer x product rows add up to the customer-month, measure by measure, to the cent.
with

products as (

    select
        customer_id,
        period_month,
        sum(net_revenue) as net_revenue,
        sum(cogs) as cogs,
        sum(cost_to_serve) as cost_to_serve,
        sum(commercial_and_allocated_costs) as commercial_and_allocated_costs,
        sum(customer_product_profit) as customer_profit
    from {{ ref('fct_customer_product_profitability') }}
    group by 1, 2

),

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}

)

select
    monthly.customer_id,
    monthly.period_month,
    monthly.customer_profit,
    products.customer_profit as product_customer_profit
from monthly
left join products
    on
        monthly.customer_id = products.customer_id
        and monthly.period_month = products.period_month
where
    monthly.net_revenue <> coalesce(products.net_revenue, 0)
    or monthly.cogs <> coalesce(products.cogs, 0)
    or monthly.cost_to_serve <> coalesce(products.cost_to_serve, 0)
    or monthly.commercial_costs + monthly.allocated_costs <> coalesce(products.commercial_and_allocated_costs, 0)
    or monthly.customer_profit <> coalesce(products.customer_profit, 0)
