with

source as (

    -- the accepted rows; the others are in rpt_rejected_rows with their reason (issue 10)
    select * from {{ ref('base_marketing__marketing_spend') }}
    where reject_reason is null

),

renamed as (

    select
        cast(spend_id as {{ dbt.type_string() }}) as spend_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        lower(trim(channel)) as channel,
        lower(trim(purpose)) as spend_purpose,
        lower(trim(target_segment)) as target_segment,
        cast(amount as {{ type_money() }}) as spend_amount,
        {{ month_of('spend_month') }} as spend_month,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

deduplicated as (

    {{ deduplicate('renamed', 'spend_id', 'loaded_at desc') }}

)

select
    spend_id,
    campaign_id,
    channel,
    spend_purpose,
    target_segment,
    spend_amount,
    spend_month,
    loaded_at
from deduplicated
