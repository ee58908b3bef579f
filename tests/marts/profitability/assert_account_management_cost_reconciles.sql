-- Account-management pool: every month, what the account managers cost equals what their customers
-- carry in the mart plus what stayed unallocated (managers whose customers bought nothing).
with

pool as (

    select
        period_month,
        sum(employee_cost) as pool_amount
    from {{ ref('int_employee_months_costed') }}
    where cost_pool = 'account_management'
    group by 1

),

carried as (

    select
        period_month,
        sum(account_management_cost) as carried_amount
    from {{ ref('fct_customer_profitability_monthly') }}
    group by 1

),

unallocated as (

    select
        period_month,
        sum(unallocated_amount) as unallocated_amount
    from {{ ref('rpt_unallocated_costs_monthly') }}
    where cost_pool = 'account_management'
    group by 1

)

select
    pool.period_month,
    pool.pool_amount,
    coalesce(carried.carried_amount, 0) as carried_amount,
    coalesce(unallocated.unallocated_amount, 0) as unallocated_amount
from pool
left join carried
    on pool.period_month = carried.period_month
left join unallocated
    on pool.period_month = unallocated.period_month
where pool.pool_amount <> coalesce(carried.carried_amount, 0) + coalesce(unallocated.unallocated_amount, 0)
