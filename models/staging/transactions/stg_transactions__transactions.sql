-- Transactions of the transactions-only mode, one row per line of the file. Enabled only when var
-- clv_purchases_from is 'transactions' (the full pipeline has no raw.transactions table). A file has no
-- transaction number, so the key is customer, date and the row's place among that day's rows.
with

source as (

    select * from {{ source('transactions', 'transactions') }}

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(amount as {{ type_money() }}) as amount,
        cast(transaction_date as date) as transaction_date,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

numbered as (

    select
        customer_id,
        amount,
        transaction_date,
        loaded_at,
        row_number() over (partition by customer_id, transaction_date order by amount asc) as row_of_day
    from renamed

)

select
    {{ dbt.concat([
        'customer_id', "'|'", 'cast(transaction_date as ' ~ dbt.type_string() ~ ')', "'|'",
        'cast(row_of_day as ' ~ dbt.type_string() ~ ')'
    ]) }} as transaction_key,
    customer_id,
    amount,
    transaction_date,
    loaded_at
from numbered
