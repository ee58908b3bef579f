-- Which Danger-zone customers (low sales, high cost to serve) have a high lifetime value? They are the ones
-- to keep for a strategic reason and to move out of the danger zone (cut their cost to serve, grow their
-- sales) rather than drop. High = a CLV in the top quarter of all customers' CLVs.
with

matrix as (

    select * from {{ ref('fct_customer_profitability_matrix') }}

),

customer_value as (

    select * from {{ ref('fct_customer_value') }}

),

clv_split as (

    select {{ quantile_cont('clv', 0.75) }} as high_clv_threshold
    from customer_value
    where clv is not null

)

select
    matrix.customer_id,
    customer_value.segment,
    matrix.net_sales,
    matrix.cost_to_serve,
    matrix.customer_profit,
    customer_value.clv,
    customer_value.prospective_value,
    clv_split.high_clv_threshold
from matrix
inner join customer_value
    on matrix.customer_id = customer_value.customer_id
cross join clv_split
where
    matrix.matrix_quadrant = 'danger_zone'
    and customer_value.clv >= clv_split.high_clv_threshold
order by customer_value.clv desc
