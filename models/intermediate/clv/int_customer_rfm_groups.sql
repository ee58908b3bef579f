-- Customers grouped by identical (x, t_x, T): the BG/NBD likelihood and forecasts depend on nothing
-- else, so they are evaluated once per group and weighted by its customer count. Customers who
-- bought once on the same day form one group; so do repeat buyers with the same history in days.
with

customers as (

    select * from {{ ref('int_customer_purchases_summarised') }}

),

final as (

    select
        repeat_purchases,
        days_to_last_purchase,
        days_observed,
        max(time_of_last_purchase) as time_of_last_purchase,
        max(customer_age) as customer_age,
        cast(count(*) as {{ dbt.type_int() }}) as customers
    from customers
    group by repeat_purchases, days_to_last_purchase, days_observed

)

select * from final
