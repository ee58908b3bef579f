-- Customer x product rows add up to the customer-month, measure by measure, to the cent.
-- Months are compared first by their sums weighted by customer (months_whose_amounts_differ, as the
-- late-rows report does): summing 18M product rows to 3M customer-months and joining them to the mart
-- cost this test 10 s of every 1M-customer build (issue 9). Only the months whose weighted sums differ
-- are then compared customer-month by customer-month, which lists the rows that do not add up.
{%- set amounts = ['net_revenue', 'cogs', 'cost_to_serve', 'commercial_and_allocated_costs', 'customer_profit'] %}
with

monthly as {{ not_materialized() }} (

    select
        customer_id,
        period_month,
        net_revenue,
        cogs,
        cost_to_serve,
        commercial_costs + allocated_costs as commercial_and_allocated_costs,
        customer_profit
    from {{ ref('fct_customer_profitability_monthly') }}

),

product_rows as {{ not_materialized() }} (

    select
        customer_id,
        period_month,
        net_revenue,
        cogs,
        cost_to_serve,
        commercial_and_allocated_costs,
        customer_product_profit as customer_profit
    from {{ ref('fct_customer_product_profitability') }}

),

months_differing as (

    {{ months_whose_amounts_differ('monthly', 'product_rows', 'customer_id', amounts) }}

),

products as (

    select
        in_months.customer_id,
        in_months.period_month,
        sum(in_months.net_revenue) as net_revenue,
        sum(in_months.cogs) as cogs,
        sum(in_months.cost_to_serve) as cost_to_serve,
        sum(in_months.commercial_and_allocated_costs) as commercial_and_allocated_costs,
        sum(in_months.customer_profit) as customer_profit
    from (
        {{ rows_in_months('product_rows', 'product_rows.period_month', 'months_differing') }}
    ) as in_months
    group by in_months.customer_id, in_months.period_month

),

monthly_in_months as (

    {{ rows_in_months('monthly', 'monthly.period_month', 'months_differing') }}

)

select
    monthly.customer_id,
    monthly.period_month,
    monthly.customer_profit,
    products.customer_profit as product_customer_profit
from monthly_in_months as monthly
left join products
    on
        monthly.customer_id = products.customer_id
        and monthly.period_month = products.period_month
where
    monthly.net_revenue <> coalesce(products.net_revenue, 0)
    or monthly.cogs <> coalesce(products.cogs, 0)
    or monthly.cost_to_serve <> coalesce(products.cost_to_serve, 0)
    or monthly.commercial_and_allocated_costs <> coalesce(products.commercial_and_allocated_costs, 0)
    or monthly.customer_profit <> coalesce(products.customer_profit, 0)
