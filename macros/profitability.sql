{% macro customer_amount_columns() -%}
    {#- The amounts a customer's period is made of, as int_customer_monthly_amounts_stacked stacks them.
        Revenue: gross_sales - discounts + returned_sales + credit_notes = net_sales; float_income.
        Costs: cogs; cost_to_serve (TDABC); commercial (incentives, payment deferral, balance carrying,
        acquisition); allocated (account management, retention). -#}
    {{ return([
        'gross_sales', 'discounts', 'returned_sales', 'credit_notes', 'net_sales', 'float_income',
        'cogs', 'cost_to_serve', 'incentive_costs', 'payment_deferral_cost', 'balance_carrying_cost',
        'acquisition_cost', 'account_management_cost', 'retention_cost',
    ]) }}
{%- endmacro %}

{% macro customer_measure_columns() -%}
    {#- customer_amount_columns() and the counts of a customer's period, as
        int_customer_monthly_amounts_stacked stacks them and int_customer_monthly_amounts_unioned sums
        them. -#}
    {{ return(customer_amount_columns() + [
        'order_count', 'order_line_count', 'return_line_count', 'activity_count', 'service_minutes',
    ]) }}
{%- endmacro %}

{% macro customer_result_columns() -%}
    {#- The amounts of customer_amount_columns() (which must be in scope, not null) and the levels of
        result DOMAIN.md defines, as money:
            net revenue         = net sales + float income
            gross margin        = net revenue - cost of goods sold
            commercial costs    = incentives + payment deferral + balance carrying + acquisition
            contribution margin = gross margin - cost to serve - commercial costs
            allocated costs     = account management + retention
            customer profit     = contribution margin - allocated costs -#}
    {%- set net_revenue = '(net_sales + float_income)' -%}
    {%- set commercial = '(incentive_costs + payment_deferral_cost + balance_carrying_cost + acquisition_cost)' -%}
    {%- set allocated = '(account_management_cost + retention_cost)' -%}
    {%- set contribution = '(' ~ net_revenue ~ ' - cogs - cost_to_serve - ' ~ commercial ~ ')' -%}
    cast(gross_sales as {{ type_money() }}) as gross_sales,
    cast(discounts as {{ type_money() }}) as discounts,
    cast(returned_sales as {{ type_money() }}) as returned_sales,
    cast(credit_notes as {{ type_money() }}) as credit_notes,
    cast(net_sales as {{ type_money() }}) as net_sales,
    cast(float_income as {{ type_money() }}) as float_income,
    cast({{ net_revenue }} as {{ type_money() }}) as net_revenue,
    cast(cogs as {{ type_money() }}) as cogs,
    cast({{ net_revenue }} - cogs as {{ type_money() }}) as gross_margin,
    cast(cost_to_serve as {{ type_money() }}) as cost_to_serve,
    cast(incentive_costs as {{ type_money() }}) as incentive_costs,
    cast(payment_deferral_cost as {{ type_money() }}) as payment_deferral_cost,
    cast(balance_carrying_cost as {{ type_money() }}) as balance_carrying_cost,
    cast(acquisition_cost as {{ type_money() }}) as acquisition_cost,
    cast({{ commercial }} as {{ type_money() }}) as commercial_costs,
    cast({{ contribution }} as {{ type_money() }}) as contribution_margin,
    cast(account_management_cost as {{ type_money() }}) as account_management_cost,
    cast(retention_cost as {{ type_money() }}) as retention_cost,
    cast({{ allocated }} as {{ type_money() }}) as allocated_costs,
    cast({{ contribution }} - {{ allocated }} as {{ type_money() }}) as customer_profit
{%- endmacro %}
