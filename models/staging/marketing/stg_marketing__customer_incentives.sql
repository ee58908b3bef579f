-- Retro bonuses, marketing payments, rebates and account-opening discounts granted to customers.
with

source as (

    -- the accepted rows; the others are in rpt_rejected_rows with their reason (issue 10)
    select * from {{ ref('base_marketing__customer_incentives') }}
    where reject_reason is null

),

renamed as (

    select
        cast(incentive_id as {{ dbt.type_string() }}) as incentive_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        lower(trim(incentive_type)) as incentive_type,
        cast(amount as {{ type_money() }}) as incentive_amount,
        cast(incentive_date as date) as incentive_date,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

deduplicated as (

    {{ deduplicate('renamed', 'incentive_id', 'loaded_at desc') }}

)

select
    incentive_id,
    customer_id,
    incentive_type,
    incentive_amount,
    incentive_date,
    loaded_at
from deduplicated
