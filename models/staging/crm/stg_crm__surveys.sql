with

source as (

    -- the accepted rows; the others are in rpt_rejected_rows with their reason (issue 10)
    select * from {{ ref('base_crm__surveys') }}
    where reject_reason is null

),

renamed as (

    select
        cast(survey_id as {{ dbt.type_string() }}) as survey_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(score as {{ dbt.type_int() }}) as satisfaction_score,
        cast(surveyed_date as date) as surveyed_date,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

deduplicated as (

    {{ deduplicate('renamed', 'survey_id', 'loaded_at desc') }}

)

select
    survey_id,
    customer_id,
    satisfaction_score,
    surveyed_date,
    loaded_at
from deduplicated
