-- Which products make good customers unprofitable? For the customers in the top profit tiers (platinum,
-- gold) or ABC class A, the products that lose money for them over the analysis window, summed per
-- product: how many good customers lose money on it, and how much.
with

tiers as (

    select * from {{ ref('fct_customer_profit_tiers') }}
    where is_latest_period

),

scores as (

    select * from {{ ref('fct_customer_abc_scores') }}

),

product_months as (

    select * from {{ ref('fct_customer_product_profitability') }}

),

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

good_customers as (

    select customers.customer_id
    from customers
    left join tiers
        on customers.customer_id = tiers.customer_id
    left join scores
        on customers.customer_id = scores.customer_id
    where
        tiers.profit_tier in ('platinum', 'gold')
        or scores.abc_class = 'A'

),

customer_products as (

    select
        product_months.customer_id,
        product_months.product_id,
        max(product_months.product_category) as product_category,
        sum(product_months.net_revenue) as net_revenue,
        sum(product_months.cost_to_serve) as cost_to_serve,
        sum(product_months.customer_product_profit) as customer_product_profit
    from product_months
    inner join customers
        on
            product_months.customer_id = customers.customer_id
            and product_months.period_month between customers.window_start_month and customers.window_end_month
    inner join good_customers
        on product_months.customer_id = good_customers.customer_id
    where not product_months.is_unattributed
    group by 1, 2

)

select
    product_id,
    product_category,
    count(*) as good_customers_losing_money,
    sum(net_revenue) as net_revenue,
    sum(cost_to_serve) as cost_to_serve,
    sum(customer_product_profit) as loss
from customer_products
where customer_product_profit < 0
group by 1, 2
order by 6 asc
