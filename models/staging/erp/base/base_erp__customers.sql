-- Every raw customer row with the reason it cannot be used (null: accepted).
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    select * from {{ source('erp', 'customers') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('erp', 'customers', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('erp', 'customers', 'source') }} then 'missing_value'
            when cast(source.signup_date as date) > cast(source._loaded_at as date) then 'future_date'
        end as check_reason,
        cast(null as {{ type_money() }}) as row_amount
    from source

)

{{ quarantine('checked', 'erp', 'customers') }}
