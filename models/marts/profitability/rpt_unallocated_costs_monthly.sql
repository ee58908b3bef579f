-- Costs that stay with the business instead of a customer, per month, pool and pool key: unused
-- capacity (per resource), fixed staff costs (per role), and any allocation pool that had no customer
-- to carry it (an account manager whose customers bought nothing, acquisition spend of a channel that
-- won nobody, retention spend for a segment with no active customer). Break-even analysis reads the
-- total as the fixed costs; every pool here plus what customers carry adds up to the pool's cost.
with

unused_capacity as (

    select * from {{ ref('rpt_unused_capacity_monthly') }}

),

employee_months as (

    select * from {{ ref('int_employee_months_costed') }}

),

spend as (

    select * from {{ ref('stg_marketing__marketing_spend') }}

),

account_management_allocated as (

    select * from {{ ref('int_account_manager_costs_allocated_to_customers') }}

),

acquisition_allocated as (

    select * from {{ ref('int_acquisition_costs_allocated_to_customers') }}

),

retention_allocated as (

    select * from {{ ref('int_retention_costs_allocated_to_customers') }}

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

manager_pools as (

    select
        period_month,
        employee_id as pool_key,
        sum(employee_cost) as pool_amount
    from employee_months
    where cost_pool = 'account_management'
    group by 1, 2

),

manager_allocated as (

    select
        period_month,
        account_manager_id as pool_key,
        sum(account_management_cost) as allocated_amount
    from account_management_allocated
    group by 1, 2

),

acquisition_pools as (

    select
        spend_month as period_month,
        channel as pool_key,
        sum(spend_amount) as pool_amount
    from spend
    where spend_purpose = 'acquisition'
    group by 1, 2

),

acquisition_allocated_by_pool as (

    select
        period_month,
        acquisition_channel as pool_key,
        sum(acquisition_cost) as allocated_amount
    from acquisition_allocated
    group by 1, 2

),

retention_pools as (

    select
        spend_month as period_month,
        coalesce(target_segment, '{{ var("all_segments_key") }}') as pool_key,
        sum(spend_amount) as pool_amount
    from spend
    where spend_purpose = 'retention'
    group by 1, 2

),

retention_allocated_by_pool as (

    select
        period_month,
        target_segment as pool_key,
        sum(retention_cost) as allocated_amount
    from retention_allocated
    group by 1, 2

),

pools as (

    select
        period_month,
        'unused_capacity' as cost_pool,
        resource_id as pool_key,
        capacity_cost as pool_amount,
        used_capacity_cost as allocated_amount
    from unused_capacity

    union all

    select
        period_month,
        'fixed' as cost_pool,
        employee_role as pool_key,
        sum(employee_cost) as pool_amount,
        0 as allocated_amount
    from employee_months
    where cost_pool = 'fixed'
    group by 1, 2, 3

    union all

    select
        manager_pools.period_month,
        'account_management' as cost_pool,
        manager_pools.pool_key,
        manager_pools.pool_amount,
        coalesce(manager_allocated.allocated_amount, 0) as allocated_amount
    from manager_pools
    left join manager_allocated
        on
            manager_pools.period_month = manager_allocated.period_month
            and manager_pools.pool_key = manager_allocated.pool_key

    union all

    select
        acquisition_pools.period_month,
        'acquisition' as cost_pool,
        acquisition_pools.pool_key,
        acquisition_pools.pool_amount,
        coalesce(acquisition_allocated_by_pool.allocated_amount, 0) as allocated_amount
    from acquisition_pools
    left join acquisition_allocated_by_pool
        on
            acquisition_pools.period_month = acquisition_allocated_by_pool.period_month
            and acquisition_pools.pool_key = acquisition_allocated_by_pool.pool_key

    union all

    select
        retention_pools.period_month,
        'retention' as cost_pool,
        retention_pools.pool_key,
        retention_pools.pool_amount,
        coalesce(retention_allocated_by_pool.allocated_amount, 0) as allocated_amount
    from retention_pools
    left join retention_allocated_by_pool
        on
            retention_pools.period_month = retention_allocated_by_pool.period_month
            and retention_pools.pool_key = retention_allocated_by_pool.pool_key

),

final as (

    select
        pools.period_month,
        pools.cost_pool,
        pools.pool_key,
        cast(pools.pool_amount as {{ type_money() }}) as pool_amount,
        cast(pools.allocated_amount as {{ type_money() }}) as allocated_amount,
        cast(pools.pool_amount - pools.allocated_amount as {{ type_money() }}) as unallocated_amount
    from pools
    inner join months
        on pools.period_month = months.period_month

)

select * from final
