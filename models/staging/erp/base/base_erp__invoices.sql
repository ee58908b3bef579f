{{ config(**quarantine_incremental_config()) }}

-- Every raw invoice with the reason it cannot be used (null: accepted).
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    {{ quarantine_source('erp', 'invoices') }}

),

customers as (

    select
        customer_id,
        acquisition_date
    from {{ ref('stg_erp__customers') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('erp', 'invoices', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('erp', 'invoices', 'source') }} then 'missing_value'
            when customers.customer_id is null then 'unknown_customer'
            when source.issued_date > cast(source._loaded_at as date) then 'future_date'
            when source.issued_date < customers.acquisition_date then 'before_customer'
        end as check_reason,
        cast(source.amount as {{ type_money() }}) as row_amount
    from source
    left join customers on source.customer_id = customers.customer_id

)

{{ quarantine('checked', 'erp', 'invoices') }}
