-- Every raw product row with the reason it cannot be used (null: accepted).
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    select * from {{ source('erp', 'products') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('erp', 'products', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('erp', 'products', 'source') }} then 'missing_value'
            when source.list_price < 0 or source.unit_cost < 0 then 'negative_amount'
        end as check_reason,
        cast(null as {{ type_money() }}) as row_amount
    from source

)

{{ quarantine('checked', 'erp', 'products') }}
