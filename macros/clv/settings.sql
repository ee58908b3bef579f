{% macro clv_purchases_from() -%}
    {#- Where the lifetime-value models read purchases: order_lines (the full pipeline) or transactions
        (raw.transactions, the transactions-only mode). -#}
    {{ return(choice_var('clv_purchases_from', ['order_lines', 'transactions'])) }}
{%- endmacro %}

{% macro clv_time_unit() -%}
    {{ return(choice_var('clv_time_unit', ['day', 'week', 'month'])) }}
{%- endmacro %}

{% macro clv_days_per_time_unit() -%}
    {#- Days in one time unit of the purchase model: 1, 7, or clv_days_per_month. -#}
    {%- set unit = clv_time_unit() -%}
    {%- if unit == 'day' -%}
        {{ return(1.0) }}
    {%- elif unit == 'week' -%}
        {{ return(7.0) }}
    {%- endif -%}
    {{ return(number_var('clv_days_per_month', 28, 31)) }}
{%- endmacro %}

{% macro clv_search_settings(iterations_var) -%}
    {#- The validated settings of the maximum-likelihood search (see log_parameter_search). -#}
    {#- sqlfluff lints the rendered SQL (target lint), in which every iteration of the search is the same
        text: two iterations lint what forty would, in seconds instead of minutes. -#}
    {{ return({
        'iterations': 2 if target.name == 'lint' else positive_int_var(iterations_var),
        'max_step': number_var('clv_search_max_step', 0, 10, exclusive_min=true),
        'difference_step': number_var('clv_search_difference_step', 0, 0.1, exclusive_min=true),
        'tolerance': number_var('clv_search_tolerance', 0, 1, exclusive_min=true),
        'bound': number_var('clv_search_log_bound', 1, 700),
    }) }}
{%- endmacro %}

{% macro softplus(expression) -%}
    {#- ln(1 + e^u) without overflow: max(u, 0) + ln(1 + e^-|u|). -#}
    (greatest({{ expression }}, 0) + ln(1 + exp(-abs({{ expression }}))))
{%- endmacro %}
