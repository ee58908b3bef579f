-- One row per customer and month, from the customer's first month (its acquisition month, or an
-- earlier order or activity) to the latest month of data, with the customer's lifecycle flags.
-- A customer is active in a month when it placed an order in that month or in the
-- (active_window_months - 1) months before; a customer with no order yet is active from its
-- acquisition month for the same window.
{%- set active_window = positive_int_var('active_window_months') %}
{%- set months_since_last_order = months_between('last_order_or_acquisition_month', 'period_month') %}
with

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

sales as (

    select * from {{ ref('int_sales_aggregated_to_customer_months') }}

),

activity_costs as (

    select * from {{ ref('int_activity_costs_aggregated_to_customer_months') }}

),

first_months as (

    select
        customer_id,
        min(period_month) as first_month
    from (
        select
            customer_id,
            period_month
        from sales
        union all
        select
            customer_id,
            period_month
        from activity_costs
    ) as dated
    group by 1

),

customer_starts as (

    select
        customers.customer_id,
        {{ month_of('customers.acquisition_date') }} as acquisition_month,
        case
            when first_months.first_month < {{ month_of('customers.acquisition_date') }}
                then first_months.first_month
            else {{ month_of('customers.acquisition_date') }}
        end as first_month
    from customers
    left join first_months
        on customers.customer_id = first_months.customer_id

),

spine as (

    select
        customer_starts.customer_id,
        months.period_month,
        customer_starts.acquisition_month,
        customer_starts.first_month,
        months.is_complete_month,
        months.is_latest_month,
        coalesce(sales.order_count, 0) as order_count
    from customer_starts
    inner join months
        on customer_starts.first_month <= months.period_month
    left join sales
        on
            customer_starts.customer_id = sales.customer_id
            and months.period_month = sales.period_month

),

with_last_order as (

    select
        *,
        max(case when order_count > 0 then period_month end) over (
            partition by customer_id order by period_month
            rows between unbounded preceding and current row
        ) as last_order_month
    from spine

),

with_reference_month as (

    select
        *,
        coalesce(last_order_month, acquisition_month) as last_order_or_acquisition_month
    from with_last_order

),

final as (

    select
        customer_id,
        period_month,
        acquisition_month,
        last_order_month,
        {{ months_between('acquisition_month', 'period_month') }} as months_since_acquisition,
        {{ months_since_last_order }} as months_since_last_order,
        period_month = acquisition_month as is_acquisition_month,
        order_count > 0 as has_order,
        period_month >= acquisition_month
        and {{ months_since_last_order }} < {{ active_window }} as is_active,
        is_complete_month,
        is_latest_month
    from with_reference_month

)

select * from final
