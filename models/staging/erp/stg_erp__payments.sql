with

source as (

    -- The accepted rows; the others are in rpt_rejected_rows with their reason (issue 10). They are
    -- unique by payment_id already (the quarantine accepts one copy of a key), so nothing is left to
    -- de-duplicate: a window here ran again for every reader of this view (issue 9).
    select * from {{ ref('base_erp__payments') }}
    where reject_reason is null

),

renamed as (

    select
        cast(payment_id as {{ dbt.type_string() }}) as payment_id,
        cast(invoice_id as {{ dbt.type_string() }}) as invoice_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(amount as {{ type_money() }}) as payment_amount,
        cast(paid_date as date) as paid_date,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select
    payment_id,
    invoice_id,
    customer_id,
    payment_amount,
    paid_date,
    loaded_at
from renamed
