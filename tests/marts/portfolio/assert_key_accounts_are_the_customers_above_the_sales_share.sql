-- Key accounts are exactly the customers of fct_customer_profitability whose share of total net sales is at
-- least key_account_min_sales_share, each share is net sales / total net sales, and the key accounts'
-- shares add up to their net sales over the total. Returns the customers (or the total) that break it.
{%- set min_share = number_var('key_account_min_sales_share', min_value=0, max_value=1, exclusive_min=true) %}
{%- set tolerance = 1e-9 %}
with

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

key_accounts as (

    select * from {{ ref('fct_key_accounts') }}

),

totals as (

    select sum(net_sales) as total_net_sales
    from customers

),

expected as (

    select
        customers.customer_id,
        customers.net_sales,
        {{ safe_divide('customers.net_sales', 'totals.total_net_sales') }} as sales_share
    from customers
    cross join totals
    where {{ safe_divide('customers.net_sales', 'totals.total_net_sales') }} >= {{ min_share }}

),

per_customer as (

    select
        coalesce(expected.customer_id, key_accounts.customer_id) as customer_id,
        'missing, extra or wrong share' as problem
    from expected
    full outer join key_accounts
        on expected.customer_id = key_accounts.customer_id
    cross join totals
    where
        expected.customer_id is null
        or key_accounts.customer_id is null
        or abs(expected.sales_share - key_accounts.sales_share) > {{ tolerance }}
        or key_accounts.total_net_sales <> totals.total_net_sales

),

sum_of_shares as (

    select
        'all key accounts' as customer_id,
        'shares do not add up' as problem
    from key_accounts
    cross join totals
    having
        count(*) > 0
        and abs(
            sum(key_accounts.sales_share)
            - {{ safe_divide('sum(key_accounts.net_sales)', 'max(totals.total_net_sales)') }}
        )
        > {{ tolerance }}

)

select * from per_customer
union all
select * from sum_of_shares
