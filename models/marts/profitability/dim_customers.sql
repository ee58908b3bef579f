-- One row per customer: who the customer is, how it was won, who manages it and where it stands.
-- Keyed by customer_id only: names and e-mail addresses never reach the marts.
with

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

running_contracts as (

    select * from {{ ref('int_running_contracts_aggregated_to_customers') }}

),

order_lines as (

    select * from {{ ref('int_order_lines_costed') }}

),

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

order_dates as (

    select
        customer_id,
        min(ordered_date) as first_order_date,
        max(ordered_date) as last_order_date
    from order_lines
    where line_type = 'sale'
    group by 1

),

latest_status as (

    select
        customer_id,
        is_active,
        months_since_last_order
    from customer_months
    where is_latest_month

),

final as (

    select
        customers.customer_id,
        customers.account_manager_id,
        customers.referred_by_customer_id,
        customers.segment,
        customers.region,
        customers.acquisition_channel,
        customers.payment_terms_days,
        customers.credit_limit,
        cast(coalesce(running_contracts.contracted_monthly_value, 0) as {{ type_money() }})
            as contracted_monthly_value,
        cast(latest_status.months_since_last_order as {{ dbt.type_int() }}) as months_since_last_order,
        customers.account_manager_id is not null as is_managed_account,
        customers.referred_by_customer_id is not null as is_referred,
        coalesce(running_contracts.running_contract_count, 0) > 0 as has_running_contract,
        coalesce(latest_status.is_active, false) as is_active,
        customers.acquisition_date,
        {{ month_of('customers.acquisition_date') }} as acquisition_month,
        order_dates.first_order_date,
        order_dates.last_order_date
    from customers
    left join order_dates
        on customers.customer_id = order_dates.customer_id
    left join running_contracts
        on customers.customer_id = running_contracts.customer_id
    left join latest_status
        on customers.customer_id = latest_status.customer_id

)

select * from final
