-- Retention pool: every month, the retention spend in the raw marketing data equals what customers
-- carry as retention_cost in the mart plus what stayed unallocated.
with

pool as (

    select
        spend_month as period_month,
        sum(spend_amount) as pool_amount
    from {{ ref('stg_marketing__marketing_spend') }}
    where spend_purpose = 'retention'
    group by 1

),

carried as (

    select
        period_month,
        sum(retention_cost) as carried_amount
    from {{ ref('fct_customer_profitability_monthly') }}
    group by 1

),

unallocated as (

    select
        period_month,
        sum(unallocated_amount) as unallocated_amount
    from {{ ref('rpt_unallocated_costs_monthly') }}
    where cost_pool = 'retention'
    group by 1

),

months as (

    select period_month from {{ ref('int_reporting_months') }}

)

select
    pool.period_month,
    pool.pool_amount,
    coalesce(carried.carried_amount, 0) as carried_amount,
    coalesce(unallocated.unallocated_amount, 0) as unallocated_amount
from pool
inner join months
    on pool.period_month = months.period_month
left join carried
    on pool.period_month = carried.period_month
left join unallocated
    on pool.period_month = unallocated.period_month
where pool.pool_amount <> coalesce(carried.carried_amount, 0) + coalesce(unallocated.unallocated_amount, 0)
