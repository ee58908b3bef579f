-- Indirect cost allocated by driver: each account manager's monthly cost (salary plus payroll tax)
-- goes to the manager's customers in proportion to their net sales that month:
--     allocated_n = (salary + payroll tax) x sales_n / sum(sales of the manager's customers)
-- rounded by largest remainder so every manager-month adds up to the cent. A manager whose customers
-- bought nothing (or returned more than they bought) that month has nothing to allocate to: the cost
-- stays unallocated and shows in rpt_unallocated_costs_monthly.
with

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

employee_months as (

    select * from {{ ref('int_employee_months_costed') }}

),

sales as (

    select * from {{ ref('int_sales_aggregated_to_customer_months') }}

),

manager_costs as (

    select
        employee_id as account_manager_id,
        period_month,
        sum(employee_cost) as manager_cost
    from employee_months
    where cost_pool = 'account_management'
    group by 1, 2

),

customer_sales as (

    select
        customers.account_manager_id,
        sales.customer_id,
        sales.period_month,
        sales.net_sales
    from sales
    inner join customers
        on sales.customer_id = customers.customer_id
    where customers.account_manager_id is not null and sales.net_sales > 0

),

weighted as (

    select
        manager_costs.account_manager_id,
        manager_costs.period_month,
        manager_costs.manager_cost,
        customer_sales.customer_id,
        customer_sales.net_sales
    from manager_costs
    inner join customer_sales
        on
            manager_costs.account_manager_id = customer_sales.account_manager_id
            and manager_costs.period_month = customer_sales.period_month

),

allocated as (

    {{ allocate_largest_remainder(
        relation='weighted',
        pool_key=['account_manager_id', 'period_month'],
        pool_amount='manager_cost',
        weight='net_sales',
        tiebreak='customer_id'
    ) }}

),

final as (

    select
        customer_id,
        period_month,
        account_manager_id,
        allocated_amount as account_management_cost
    from allocated

)

select * from final
