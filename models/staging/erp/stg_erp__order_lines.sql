-- Order lines: sales, returns (negative quantity) and credit notes (no product, quantity -1).
with

source as (

    -- The accepted rows; the others are in rpt_rejected_rows with their reason (issue 10). They are
    -- unique by order_line_id already: the quarantine accepts one copy of a key and rejects the rest as
    -- duplicate or conflicting_duplicate, so there is nothing left to de-duplicate here (issue 9).
    select * from {{ ref('base_erp__order_lines') }}
    where reject_reason is null

),

renamed as (

    select
        cast(order_line_id as {{ dbt.type_string() }}) as order_line_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        lower(trim(line_type)) as line_type,
        coalesce(upper(trim(currency_code)), '{{ var("reporting_currency") }}') as currency_code,
        cast(quantity as {{ dbt.type_int() }}) as quantity,
        cast(unit_price as {{ type_money() }}) as unit_price,
        cast(coalesce(discount_amount, 0) as {{ type_money() }}) as discount_amount,
        cast(ordered_at as date) as ordered_date,
        cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select
    order_line_id,
    order_id,
    customer_id,
    product_id,
    line_type,
    currency_code,
    quantity,
    unit_price,
    discount_amount,
    ordered_date,
    ordered_at,
    loaded_at
from renamed
