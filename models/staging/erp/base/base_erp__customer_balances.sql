-- Every raw monthly balance with the reason it cannot be used (null: accepted).
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    select * from {{ source('erp', 'customer_balances') }}

),

customers as (

    select customer_id from {{ ref('stg_erp__customers') }}

),

balance_types as (

    select lower(trim(balance_type)) as balance_type from {{ ref('balance_rates') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('erp', 'customer_balances', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('erp', 'customer_balances', 'source') }} then 'missing_value'
            when customers.customer_id is null then 'unknown_customer'
            when balance_types.balance_type is null then 'unknown_balance_type'
            when source.balance_month > cast(source._loaded_at as date) then 'future_date'
        end as check_reason,
        cast(source.average_balance as {{ type_money() }}) as row_amount
    from source
    left join customers on source.customer_id = customers.customer_id
    left join balance_types on lower(trim(source.balance_type)) = balance_types.balance_type

)

{{ quarantine('checked', 'erp', 'customer_balances') }}
