-- Purchases of the lifetime-value models: one purchase per customer and day, as the BG/NBD literature
-- counts them. var clv_purchases_from chooses the source:
-- * order_lines: the sale lines of the full pipeline (returns and credit notes are not purchases),
--   valued at their net amount in the reporting currency;
-- * transactions: every row of raw.transactions (transactions-only mode).
-- A day's spend adds only its rows with a positive amount: rows with a zero or negative amount count
-- for the purchase but stay out of the spend model.
{%- if clv_purchases_from() == 'transactions' %}
    {%- set purchase_source = ref('stg_transactions__transactions') %}
    {%- set amount_column, date_column, purchase_filter = 'amount', 'transaction_date', '1 = 1' %}
{%- else %}
    {%- set purchase_source = ref('int_order_lines_costed') %}
    {%- set amount_column, date_column, purchase_filter = 'net_amount', 'ordered_date', "line_type = 'sale'" %}
{%- endif %}
with

source_rows as (

    select * from {{ purchase_source }}

),

purchase_rows as (

    select
        customer_id,
        {{ amount_column }} as amount,
        {{ date_column }} as purchase_date
    from source_rows
    where {{ purchase_filter }}

),

final as (

    select
        customer_id,
        cast(count(*) as {{ dbt.type_int() }}) as purchase_rows,
        cast(sum(amount) as {{ type_money() }}) as purchase_amount,
        cast(sum(case when amount > 0 then amount else 0 end) as {{ type_money() }}) as spend_amount,
        sum(case when amount > 0 then 1 else 0 end) > 0 as has_spend,
        purchase_date
    from purchase_rows
    group by customer_id, purchase_date

)

select * from final
