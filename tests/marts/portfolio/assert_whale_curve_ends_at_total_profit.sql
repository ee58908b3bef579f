-- The whale curve ends at exactly 100%: its last point's cumulative profit equals the total profit of
-- fct_customer_profitability to the cent, and the curve has one point per customer. Returns a row when not.
with

curve as (

    select * from {{ ref('fct_customer_whale_curve') }}

),

customers as (

    select
        count(*) as customer_count,
        sum(customer_profit) as total_customer_profit
    from {{ ref('fct_customer_profitability') }}

),

last_point as (

    select
        count(*) as points,
        max(case when profit_rank = customer_count then cumulative_profit end) as final_cumulative_profit,
        max(case when profit_rank = customer_count then cumulative_profit_share end) as final_profit_share
    from curve

)

select
    last_point.points,
    last_point.final_cumulative_profit,
    last_point.final_profit_share,
    customers.customer_count,
    customers.total_customer_profit
from last_point
cross join customers
where
    customers.customer_count > 0
    and (
        last_point.points <> customers.customer_count
        or last_point.final_cumulative_profit <> customers.total_customer_profit
        or (customers.total_customer_profit <> 0 and last_point.final_profit_share <> 1)
    )
