-- The TDABC pool itself: every resource-month's capacity cost is the cost of the employees staffing it
-- (salary plus payroll tax, prorated) plus the seed's overhead per fte; and every employee cost of the
-- month lands in exactly one pool (capacity, account management or fixed).
with

employees as (

    select
        period_month,
        sum(employee_cost) as employee_cost,
        sum(case when cost_pool = 'capacity' then employee_cost else 0 end) as capacity_staff_cost
    from {{ ref('int_employee_months_costed') }}
    group by 1

),

capacity as (

    select
        period_month,
        sum(staff_cost) as staff_cost
    from {{ ref('int_resource_capacity_costs') }}
    group by 1

),

pools as (

    select
        period_month,
        sum(case when cost_pool = 'account_management' then pool_amount else 0 end) as account_management_pool,
        sum(case when cost_pool = 'fixed' then pool_amount else 0 end) as fixed_pool
    from {{ ref('rpt_unallocated_costs_monthly') }}
    group by 1

)

select
    employees.period_month,
    employees.employee_cost,
    coalesce(capacity.staff_cost, 0) as staff_cost,
    coalesce(pools.account_management_pool, 0) as account_management_pool,
    coalesce(pools.fixed_pool, 0) as fixed_pool
from employees
left join capacity
    on employees.period_month = capacity.period_month
left join pools
    on employees.period_month = pools.period_month
where
    employees.capacity_staff_cost <> coalesce(capacity.staff_cost, 0)
    or employees.employee_cost
    <> coalesce(capacity.staff_cost, 0) + coalesce(pools.account_management_pool, 0) + coalesce(pools.fixed_pool, 0)
