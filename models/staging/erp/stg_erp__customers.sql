-- One row per customer account. Names and e-mail addresses are personal data and stop here.
with

source as (

    -- the accepted rows; the others are in rpt_rejected_rows with their reason (issue 10)
    select * from {{ ref('base_erp__customers') }}
    where reject_reason is null

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(account_manager_id as {{ dbt.type_string() }}) as account_manager_id,
        cast(referred_by_customer_id as {{ dbt.type_string() }}) as referred_by_customer_id,
        lower(trim(acquisition_channel)) as acquisition_channel,
        lower(trim(segment)) as segment,
        lower(trim(region)) as region,
        cast(payment_terms_days as {{ dbt.type_int() }}) as payment_terms_days,
        cast(credit_limit as {{ type_money() }}) as credit_limit,
        cast(signup_date as date) as acquisition_date,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

deduplicated as (

    {{ deduplicate('renamed', 'customer_id', 'loaded_at desc') }}

)

select
    customer_id,
    account_manager_id,
    referred_by_customer_id,
    acquisition_channel,
    segment,
    region,
    payment_terms_days,
    credit_limit,
    acquisition_date,
    loaded_at
from deduplicated
