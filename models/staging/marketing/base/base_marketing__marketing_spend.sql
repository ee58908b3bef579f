-- Every raw marketing spend row with the reason it cannot be used (null: accepted).
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    select * from {{ source('marketing', 'marketing_spend') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('marketing', 'marketing_spend', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('marketing', 'marketing_spend', 'source') }} then 'missing_value'
            when source.spend_month > cast(source._loaded_at as date) then 'future_date'
        end as check_reason,
        cast(source.amount as {{ type_money() }}) as row_amount
    from source

)

{{ quarantine('checked', 'marketing', 'marketing_spend') }}
