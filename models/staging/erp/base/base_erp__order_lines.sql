{{ config(**quarantine_incremental_config()) }}

-- Every raw order line with the reason it cannot be used (null: accepted). A sale must have a
-- positive quantity (returns and credit notes are negative), a known customer, product and currency,
-- and a date on or after the customer's acquisition and not after the load.
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    {{ quarantine_source('erp', 'order_lines') }}

),

customers as (

    select
        customer_id,
        acquisition_date
    from {{ ref('stg_erp__customers') }}

),

products as (

    select product_id from {{ ref('stg_erp__products') }}

),

currencies as (

    select upper(trim(currency_code)) as currency_code from {{ ref('exchange_rates') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('erp', 'order_lines', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('erp', 'order_lines', 'source') }} then 'missing_value'
            when lower(trim(source.line_type)) not in ('sale', 'return', 'credit_note') then 'unknown_line_type'
            when lower(trim(source.line_type)) = 'sale' and source.quantity <= 0 then 'negative_quantity'
            when customers.customer_id is null then 'unknown_customer'
            when source.product_id is not null and products.product_id is null then 'unknown_product'
            when currencies.currency_code is null then 'unknown_currency'
            when cast(source.ordered_at as date) > cast(source._loaded_at as date) then 'future_date'
            when cast(source.ordered_at as date) < customers.acquisition_date then 'before_customer'
        end as check_reason,
        cast(source.quantity * source.unit_price - coalesce(source.discount_amount, 0) as {{ type_money() }})
            as row_amount
    from source
    left join customers on source.customer_id = customers.customer_id
    left join products on source.product_id = products.product_id
    left join currencies
        on coalesce(upper(trim(source.currency_code)), '{{ var("reporting_currency") }}') = currencies.currency_code

)

{{ quarantine('checked', 'erp', 'order_lines') }}
