-- Monthly average balances per customer and balance type (deposit, minimum_balance, deferred_receivable).
with

source as (

    -- the accepted rows; the others are in rpt_rejected_rows with their reason (issue 10)
    select * from {{ ref('base_erp__customer_balances') }}
    where reject_reason is null

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        lower(trim(balance_type)) as balance_type,
        cast(average_balance as {{ type_money() }}) as average_balance,
        {{ month_of('balance_month') }} as balance_month,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

deduplicated as (

    {{ deduplicate('renamed', 'customer_id, balance_month, balance_type', 'loaded_at desc') }}

)

select
    customer_id,
    balance_type,
    average_balance,
    balance_month,
    loaded_at
from deduplicated
