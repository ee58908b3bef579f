{{ config(**quarantine_incremental_config()) }}

-- Every raw activity with the reason it cannot be used (null: accepted). Activity types and resources
-- must be in the seeds (a resource of null takes the activity type's default).
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    {{ quarantine_source('crm', 'activities') }}

),

customers as (

    select
        customer_id,
        acquisition_date
    from {{ ref('stg_erp__customers') }}

),

activity_types as (

    select lower(trim(activity_type)) as activity_type from {{ ref('activity_types') }}

),

resources as (

    select lower(trim(resource_id)) as resource_id from {{ ref('resources') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('crm', 'activities', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('crm', 'activities', 'source') }} then 'missing_value'
            when activity_types.activity_type is null then 'unknown_activity_type'
            when source.resource_id is not null and resources.resource_id is null then 'unknown_resource'
            when source.duration_minutes < 0 or source.units < 0 then 'negative_quantity'
            when customers.customer_id is null then 'unknown_customer'
            when cast(source.activity_at as date) > cast(source._loaded_at as date) then 'future_date'
        end as check_reason,
        cast(null as {{ type_money() }}) as row_amount
    from source
    left join customers on source.customer_id = customers.customer_id
    left join activity_types on lower(trim(source.activity_type)) = activity_types.activity_type
    left join resources on lower(trim(source.resource_id)) = resources.resource_id

)

{{ quarantine('checked', 'crm', 'activities') }}
