-- Retention spend spread over the active customers it targets (one row per customer, month and
-- retention pool): each month's retention spend for a
-- segment goes evenly to that segment's active customers, and spend aimed at every segment
-- (target_segment null) to all active customers (largest remainder, to the cent). A pool with no
-- active customer to carry it stays unallocated (rpt_unallocated_costs_monthly).
with

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

spend as (

    select * from {{ ref('stg_marketing__marketing_spend') }}

),

retention_pools as (

    select
        spend_month,
        coalesce(target_segment, '{{ var("all_segments_key") }}') as target_segment,
        sum(spend_amount) as pool_amount
    from spend
    where spend_purpose = 'retention'
    group by 1, 2

),

active_customers as (

    select
        customer_months.customer_id,
        customer_months.period_month,
        customers.segment
    from customer_months
    inner join customers
        on customer_months.customer_id = customers.customer_id
    where customer_months.is_active

),

weighted as (

    select
        retention_pools.spend_month,
        retention_pools.target_segment,
        retention_pools.pool_amount,
        active_customers.customer_id,
        1 as headcount
    from retention_pools
    inner join active_customers
        on
            retention_pools.spend_month = active_customers.period_month
            and (
                retention_pools.target_segment = active_customers.segment
                or retention_pools.target_segment = '{{ var("all_segments_key") }}'
            )

),

allocated as (

    {{ allocate_largest_remainder(
        relation='weighted',
        pool_key=['spend_month', 'target_segment'],
        pool_amount='pool_amount',
        weight='headcount',
        tiebreak='customer_id'
    ) }}

),

final as (

    select
        customer_id,
        spend_month as period_month,
        target_segment,
        allocated_amount as retention_cost
    from allocated

)

select * from final
