-- Which customers cost the most to serve, relative to what they buy, and which activities drive it?
-- Over the analysis window of fct_customer_profitability; compile with `dbt compile` and run the SQL
-- in target/compiled/, or paste it into any SQL client with the schemas filled in.
with

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

activities as (

    select * from {{ ref('int_activities_costed') }}

),

activity_mix as (

    select
        activities.customer_id,
        activities.activity_type,
        sum(activities.activity_cost) as activity_cost,
        count(*) as activity_count
    from activities
    inner join customers
        on
            activities.customer_id = customers.customer_id
            and activities.period_month between customers.window_start_month and customers.window_end_month
    group by 1, 2

),

top_activity as (

    select
        customer_id,
        activity_type as costliest_activity_type,
        activity_cost as costliest_activity_cost,
        row_number() over (partition by customer_id order by activity_cost desc, activity_type asc) as activity_rank
    from activity_mix

)

select
    customers.customer_id,
    customers.net_revenue,
    customers.cost_to_serve,
    customers.customer_profit,
    top_activity.costliest_activity_type,
    top_activity.costliest_activity_cost,
    {{ safe_divide('customers.cost_to_serve', 'customers.net_revenue') }} as cost_to_serve_per_revenue_dollar
from customers
left join top_activity
    on
        customers.customer_id = top_activity.customer_id
        and top_activity.activity_rank = 1
order by 3 desc
limit 50
