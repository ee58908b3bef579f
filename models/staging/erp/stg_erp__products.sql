with

source as (

    -- the accepted rows; the others are in rpt_rejected_rows with their reason (issue 10)
    select * from {{ ref('base_erp__products') }}
    where reject_reason is null

),

renamed as (

    select
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(product_name as {{ dbt.type_string() }}) as product_name,
        lower(trim(category)) as product_category,
        cast(list_price as {{ type_money() }}) as list_price,
        cast(unit_cost as {{ type_money() }}) as unit_cost,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

deduplicated as (

    {{ deduplicate('renamed', 'product_id', 'loaded_at desc') }}

)

select
    product_id,
    product_name,
    product_category,
    list_price,
    unit_cost,
    loaded_at
from deduplicated
