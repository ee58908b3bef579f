-- Acquisition cost of each new customer: the month's acquisition spend of a channel is spread evenly
-- over the customers that channel won that month (largest remainder, to the cent). Spend of a
-- channel-month that won nobody stays unallocated (rpt_unallocated_costs_monthly).
with

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

spend as (

    select * from {{ ref('stg_marketing__marketing_spend') }}

),

acquisition_pools as (

    select
        channel,
        spend_month,
        sum(spend_amount) as pool_amount
    from spend
    where spend_purpose = 'acquisition'
    group by 1, 2

),

new_customers as (

    select
        customer_id,
        acquisition_channel,
        {{ month_of('acquisition_date') }} as acquisition_month
    from customers

),

weighted as (

    select
        acquisition_pools.channel,
        acquisition_pools.spend_month,
        acquisition_pools.pool_amount,
        new_customers.customer_id,
        1 as headcount
    from acquisition_pools
    inner join new_customers
        on
            acquisition_pools.channel = new_customers.acquisition_channel
            and acquisition_pools.spend_month = new_customers.acquisition_month

),

allocated as (

    {{ allocate_largest_remainder(
        relation='weighted',
        pool_key=['channel', 'spend_month'],
        pool_amount='pool_amount',
        weight='headcount',
        tiebreak='customer_id'
    ) }}

),

final as (

    select
        customer_id,
        spend_month as period_month,
        channel as acquisition_channel,
        allocated_amount as acquisition_cost
    from allocated

)

select * from final
