-- The activity log: one row per activity performed for a customer.
with

source as (

    -- the accepted rows; the others are in rpt_rejected_rows with their reason (issue 10)
    select * from {{ ref('base_crm__activities') }}
    where reject_reason is null

),

deduplicated as (

    -- De-duplicated on the raw columns, before renaming: the key and the load time are the same values
    -- either way, and DuckDB de-duplicates the raw columns 3 to 4 times faster (issue 9).
    {{ deduplicate('source', 'activity_id', '_loaded_at desc') }}

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
    from deduplicated

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
