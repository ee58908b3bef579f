-- Every raw survey answer with the reason it cannot be used (null: accepted).
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    select * from {{ source('crm', 'surveys') }}

),

customers as (

    select customer_id from {{ ref('stg_erp__customers') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('crm', 'surveys', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('crm', 'surveys', 'source') }} then 'missing_value'
            when customers.customer_id is null then 'unknown_customer'
            when source.surveyed_date > cast(source._loaded_at as date) then 'future_date'
        end as check_reason,
        cast(null as {{ type_money() }}) as row_amount
    from source
    left join customers on source.customer_id = customers.customer_id

)

{{ quarantine('checked', 'crm', 'surveys') }}
