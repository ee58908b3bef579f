-- Every raw employee row with the reason it cannot be used (null: accepted).
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    select * from {{ source('hr', 'employees') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('hr', 'employees', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('hr', 'employees', 'source') }} then 'missing_value'
            when source.monthly_salary < 0 then 'negative_amount'
        end as check_reason,
        cast(source.monthly_salary as {{ type_money() }}) as row_amount
    from source

)

{{ quarantine('checked', 'hr', 'employees') }}
