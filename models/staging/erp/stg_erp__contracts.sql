with

source as (

    -- the accepted rows; the others are in rpt_rejected_rows with their reason (issue 10)
    select * from {{ ref('base_erp__contracts') }}
    where reject_reason is null

),

renamed as (

    select
        cast(contract_id as {{ dbt.type_string() }}) as contract_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(contracted_monthly_value as {{ type_money() }}) as contracted_monthly_value,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

deduplicated as (

    {{ deduplicate('renamed', 'contract_id', 'loaded_at desc') }}

)

select
    contract_id,
    customer_id,
    contracted_monthly_value,
    start_date,
    end_date,
    loaded_at
from deduplicated
