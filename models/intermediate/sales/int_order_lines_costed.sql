-- Order lines in the reporting currency with their cost of goods sold.
-- gross = quantity x unit price; net = gross - discount (returns and credit notes are negative);
-- cogs = quantity x the product's unit cost for sales and returns (returned goods go back to stock),
-- nothing for credit notes.
-- Incremental (issue 6): a scheduled run recomputes the months of the lookback window only.
{{ config(**incremental_by_month_config()) }}
with

order_lines as (

    select * from {{ ref('stg_erp__order_lines') }}
    where {{ in_lookback_window(month_of('ordered_date')) }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

exchange_rates as (

    select * from {{ ref('exchange_rates') }}

),

converted as (

    select
        order_lines.order_line_id,
        order_lines.order_id,
        order_lines.customer_id,
        order_lines.product_id,
        products.product_category,
        order_lines.line_type,
        order_lines.currency_code,
        order_lines.quantity,
        exchange_rates.rate_to_reporting_currency,
        cast(
            round(order_lines.quantity * order_lines.unit_price * exchange_rates.rate_to_reporting_currency, 2)
            as {{ type_money() }}
        ) as gross_amount,
        cast(
            round(order_lines.discount_amount * exchange_rates.rate_to_reporting_currency, 2)
            as {{ type_money() }}
        ) as discount_amount,
        cast(
            case
                when order_lines.line_type in ('sale', 'return')
                    then order_lines.quantity * coalesce(products.unit_cost, 0)
                else 0
            end
            as {{ type_money() }}
        ) as cogs,
        order_lines.ordered_date,
        {{ month_of('order_lines.ordered_date') }} as period_month,
        order_lines.loaded_at
    from order_lines
    left join products
        on order_lines.product_id = products.product_id
    left join exchange_rates
        on order_lines.currency_code = exchange_rates.currency_code

),

final as (

    select
        order_line_id,
        order_id,
        customer_id,
        product_id,
        product_category,
        line_type,
        currency_code,
        quantity,
        rate_to_reporting_currency,
        gross_amount,
        discount_amount,
        cast(gross_amount - discount_amount as {{ type_money() }}) as net_amount,
        cogs,
        ordered_date,
        period_month,
        loaded_at
    from converted

)

select * from final
