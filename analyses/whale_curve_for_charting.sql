-- The whale curve as points to chart (x: cumulative share of customers, y: cumulative share of profit),
-- thinned to the last customer of each percent of customers, with how many of them lose money.
with

curve as (

    select
        *,
        ceiling(cumulative_customer_share * 100) as customer_percentile
    from {{ ref('fct_customer_whale_curve') }}

),

last_of_percentile as (

    select
        customer_percentile,
        max(profit_rank) as profit_rank,
        sum(case when is_loss_making then 1 else 0 end) as loss_making_customers
    from curve
    group by 1

)

select
    last_of_percentile.customer_percentile,
    curve.cumulative_customer_share,
    curve.cumulative_profit_share,
    last_of_percentile.loss_making_customers
from last_of_percentile
inner join curve
    on last_of_percentile.profit_rank = curve.profit_rank
order by 1
