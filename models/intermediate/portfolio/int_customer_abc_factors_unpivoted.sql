-- The raw values of the ABC scoring factors (DOMAIN.md section 6), one row per customer of
-- fct_customer_profitability and factor, over the analysis window (n months, window_start_month to
-- window_end_month):
--   sales                net sales
--   contribution_margin  contribution margin
--   order_volume_trend   (orders in the window's second half - orders in its first half) / all orders;
--                        -1 (stopped buying) to +1 (started buying), 0 without orders. With an odd n the
--                        middle month belongs to the second half.
--   relationship_length  complete months since the relationship began (months_of_history)
--   complaint_frequency  activities of type var complaint_activity_type per year: count x 12 / n
--   purchases_per_year   orders per year: order count x 12 / n
--   payment_history      activities of type var payment_reminder_activity_type (reminders of overdue
--                        invoices) per year: count x 12 / n
--   future_prospects     lifetime value (primary_clv_method), 0 when the customer has none
-- fct_customer_abc_scores turns them into scores with the weights of seeds/abc_scoring_weights.csv.
{%- set complaint_type = identifier_var('complaint_activity_type') %}
{%- set reminder_type = identifier_var('payment_reminder_activity_type') %}
{%- set months_per_year = 12 %}
with

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}

),

activities as (

    select * from {{ ref('int_activities_costed') }}

),

customer_value as (

    select * from {{ ref('fct_customer_value') }}

),

window_bounds as (

    select
        max(window_start_month) as window_start_month,
        max(window_end_month) as window_end_month,
        {{ months_between('max(window_start_month)', 'max(window_end_month)') }} + 1 as window_months
    from customers

),

orders_by_half as (

    select
        monthly.customer_id,
        sum(
            case
                when
                    2 * ({{ months_between('window_bounds.window_start_month', 'monthly.period_month') }})
                    < window_bounds.window_months
                    then monthly.order_count
                else 0
            end
        ) as first_half_orders,
        sum(
            case
                when
                    2 * ({{ months_between('window_bounds.window_start_month', 'monthly.period_month') }})
                    >= window_bounds.window_months
                    then monthly.order_count
                else 0
            end
        ) as second_half_orders
    from monthly
    inner join window_bounds
        on monthly.period_month between window_bounds.window_start_month and window_bounds.window_end_month
    group by 1

),

activity_counts as (

    select
        activities.customer_id,
        sum(case when activities.activity_type = '{{ complaint_type }}' then 1 else 0 end) as complaints,
        sum(case when activities.activity_type = '{{ reminder_type }}' then 1 else 0 end) as payment_reminders
    from activities
    inner join window_bounds
        on activities.period_month between window_bounds.window_start_month and window_bounds.window_end_month
    group by 1

),

joined as (

    select
        customers.customer_id,
        cast(customers.net_sales as double) as sales,
        cast(customers.contribution_margin as double) as contribution_margin,
        coalesce(
            {{ safe_divide(
                '(orders_by_half.second_half_orders - orders_by_half.first_half_orders)',
                '(orders_by_half.second_half_orders + orders_by_half.first_half_orders)'
            ) }},
            0
        ) as order_volume_trend,
        cast(coalesce(customer_value.months_of_history, 0) as double) as relationship_length,
        cast(coalesce(activity_counts.complaints, 0) as double) * {{ months_per_year }} / window_bounds.window_months
            as complaint_frequency,
        cast(customers.order_count as double) * {{ months_per_year }} / window_bounds.window_months
            as purchases_per_year,
        cast(coalesce(activity_counts.payment_reminders, 0) as double) * {{ months_per_year }}
        / window_bounds.window_months as payment_history,
        cast(coalesce(customer_value.clv, 0) as double) as future_prospects
    from customers
    cross join window_bounds
    left join orders_by_half
        on customers.customer_id = orders_by_half.customer_id
    left join activity_counts
        on customers.customer_id = activity_counts.customer_id
    left join customer_value
        on customers.customer_id = customer_value.customer_id

),

unpivoted as (

    {%- set factors = ['sales', 'contribution_margin', 'order_volume_trend', 'relationship_length',
                       'complaint_frequency', 'purchases_per_year', 'payment_history', 'future_prospects'] %}
    {%- for factor in factors %}
        select
            customer_id,
            '{{ factor }}' as factor,
            cast({{ factor }} as double) as factor_value
        from joined
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select * from unpivoted
