-- The customers at the start of a month are the customers at the end of the month before, for every
-- dimension value of fct_customer_equity_monthly (a value with no row the month before had no customers).
-- Together with the row-level identity start + new - lost = end, the counts roll forward month by month.
with

equity as (

    select * from {{ ref('fct_customer_equity_monthly') }}

),

previous as (

    select
        period_month,
        dimension,
        dimension_value,
        customers_end
    from equity

)

select
    equity.period_month,
    equity.dimension,
    equity.dimension_value,
    equity.customers_start,
    previous.customers_end as previous_customers_end
from equity
left join previous
    on
        equity.dimension = previous.dimension
        and equity.dimension_value = previous.dimension_value
        and {{ add_months('equity.period_month', -1) }} = previous.period_month
where equity.customers_start <> coalesce(previous.customers_end, 0)
