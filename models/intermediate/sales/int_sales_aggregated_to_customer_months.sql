-- Sales per customer and month: gross sales, discounts, returns, credit notes, net sales, cost of
-- goods sold, and order and line counts. Incremental by month (issue 6).
{{ config(**incremental_by_month_config()) }}
with

order_lines as (

    select * from {{ ref('int_order_lines_costed') }}
    where {{ in_lookback_window('period_month') }}

),

orders as (

    -- one row per sale order, so orders are counted without a distinct count over every line
    select
        customer_id,
        period_month,
        order_id
    from order_lines
    where line_type = 'sale'
    group by 1, 2, 3

),

order_counts as (

    select
        customer_id,
        period_month,
        count(*) as order_count
    from orders
    group by 1, 2

),

line_totals as (

    select
        customer_id,
        period_month,
        sum(case when line_type = 'sale' then gross_amount else 0 end) as gross_sales,
        sum(case when line_type = 'sale' then discount_amount else 0 end) as discounts,
        sum(case when line_type = 'return' then net_amount else 0 end) as returned_sales,
        sum(case when line_type = 'credit_note' then net_amount else 0 end) as credit_notes,
        sum(net_amount) as net_sales,
        sum(cogs) as cogs,
        sum(case when line_type = 'sale' then 1 else 0 end) as order_line_count,
        sum(case when line_type = 'return' then 1 else 0 end) as return_line_count
    from order_lines
    group by 1, 2

),

final as (

    select
        line_totals.customer_id,
        line_totals.period_month,
        cast(line_totals.gross_sales as {{ type_money() }}) as gross_sales,
        cast(line_totals.discounts as {{ type_money() }}) as discounts,
        cast(line_totals.returned_sales as {{ type_money() }}) as returned_sales,
        cast(line_totals.credit_notes as {{ type_money() }}) as credit_notes,
        cast(line_totals.net_sales as {{ type_money() }}) as net_sales,
        cast(line_totals.cogs as {{ type_money() }}) as cogs,
        coalesce(order_counts.order_count, 0) as order_count,
        line_totals.order_line_count,
        line_totals.return_line_count
    from line_totals
    left join order_counts
        on
            line_totals.customer_id = order_counts.customer_id
            and line_totals.period_month = order_counts.period_month

)

select * from final
