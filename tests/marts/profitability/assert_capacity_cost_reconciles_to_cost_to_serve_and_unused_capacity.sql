-- TDABC pool: every month, the cost of the capacity supplied by all resources equals the cost to serve
-- charged to customers in the mart plus the cost of unused capacity. Fails with the months where a cent
-- was created or lost (an activity dropped on the way to the mart, a customer-month missing, ...).
with

capacity as (

    select
        period_month,
        sum(capacity_cost) as capacity_cost
    from {{ ref('int_resource_capacity_costs') }}
    group by 1

),

charged as (

    select
        period_month,
        sum(cost_to_serve) as cost_to_serve
    from {{ ref('fct_customer_profitability_monthly') }}
    group by 1

),

unused as (

    select
        period_month,
        sum(unused_capacity_cost) as unused_capacity_cost
    from {{ ref('rpt_unused_capacity_monthly') }}
    group by 1

)

select
    capacity.period_month,
    capacity.capacity_cost,
    coalesce(charged.cost_to_serve, 0) as cost_to_serve,
    coalesce(unused.unused_capacity_cost, 0) as unused_capacity_cost
from capacity
left join charged
    on capacity.period_month = charged.period_month
left join unused
    on capacity.period_month = unused.period_month
where capacity.capacity_cost <> coalesce(charged.cost_to_serve, 0) + coalesce(unused.unused_capacity_cost, 0)
