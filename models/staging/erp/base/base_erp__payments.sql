{{ config(**quarantine_incremental_config()) }}

-- Every raw payment with the reason it cannot be used (null: accepted). A payment must belong to an
-- accepted invoice of the same customer and be no larger than that invoice.
-- Checks in order; the first a row fails is its reason (macros/quality/quarantine.sql adds the key,
-- missing-value and duplicate checks from the raw contract).
with

source as (

    {{ quarantine_source('erp', 'payments') }}

),

invoices as (

    select
        invoice_id,
        customer_id,
        invoice_amount
    from {{ ref('stg_erp__invoices') }}

),

checked as (

    select
        source.*,
        case
            when {{ quarantine_missing_key('erp', 'payments', 'source') }} then 'missing_key'
            when {{ quarantine_missing_value('erp', 'payments', 'source') }} then 'missing_value'
            when invoices.invoice_id is null then 'unknown_invoice'
            when source.customer_id <> invoices.customer_id then 'unknown_customer'
            when source.amount > invoices.invoice_amount then 'overpayment'
            when source.paid_date > cast(source._loaded_at as date) then 'future_date'
        end as check_reason,
        cast(source.amount as {{ type_money() }}) as row_amount
    from source
    left join invoices on source.invoice_id = invoices.invoice_id

)

{{ quarantine('checked', 'erp', 'payments') }}
