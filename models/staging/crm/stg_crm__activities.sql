-- The activity log: one row per activity performed for a customer.
with

source as (

    -- The accepted rows; the others are in rpt_rejected_rows with their reason (issue 10). They are
    -- unique by activity_id already: the quarantine accepts one copy of a key and rejects the rest as
    -- duplicate or conflicting_duplicate, so there is nothing left to de-duplicate here (issue 9).
    select * from {{ ref('base_crm__activities') }}
    where reject_reason is null

),

renamed as (

    select
        cast(activity_id as {{ dbt.type_string() }}) as activity_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        lower(trim(resource_id)) as resource_id,
        lower(trim(activity_type)) as activity_type,
        lower(trim(channel)) as channel,
        cast(duration_minutes as {{ dbt.type_numeric() }}) as duration_minutes,
        cast(units as {{ dbt.type_int() }}) as units,
        cast(activity_at as date) as activity_date,
        cast(activity_at as {{ dbt.type_timestamp() }}) as activity_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select
    activity_id,
    customer_id,
    resource_id,
    activity_type,
    channel,
    duration_minutes,
    units,
    activity_date,
    activity_at,
    loaded_at
from renamed
