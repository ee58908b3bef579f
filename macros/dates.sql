{% macro month_of(expression) -%}
    {#- First day of the month of a date or timestamp, as a date, on every engine
        (DuckDB's and Spark's date_trunc both return timestamps). -#}
    cast({{ dbt.date_trunc('month', expression) }} as date)
{%- endmacro %}

{% macro add_months(expression, months) -%}
    cast({{ dbt.dateadd('month', months, expression) }} as date)
{%- endmacro %}

{% macro add_days(expression, days) -%}
    cast({{ dbt.dateadd('day', days, expression) }} as date)
{%- endmacro %}

{% macro days_between(start_date, end_date) -%}
    {#- Whole days from start_date to end_date (end exclusive): 31 from 1 January to 1 February. -#}
    {{ return(one_line(dbt.datediff(start_date, end_date, 'day'))) }}
{%- endmacro %}

{% macro months_between(start_month, end_month) -%}
    {#- Whole calendar months from start_month to end_month: 0 within a month, 1 from January to February. -#}
    {{ return(one_line(dbt.datediff(start_month, end_month, 'month'))) }}
{%- endmacro %}

{% macro one_line(sql) -%}
    {#- An expression on one line, so it can sit inside other expressions and in compiled SQL that people
        read. SQL line comments are removed first: dbt-spark's datediff has `-- did we cross a month
        boundary?` in the middle of its expression, and joining the lines would comment out the rest. -#}
    {{ return(modules.re.sub('\\s+', ' ', modules.re.sub('--[^\\n]*', '', sql)) | trim) }}
{%- endmacro %}

{% macro month_series(bounds, start_column, end_column) -%}
    {#- One row per first-of-month date from start_column to end_column (both first-of-month dates)
        of the single-row relation or CTE `bounds`, in a column `period_month`. -#}
    {{ return(adapter.dispatch('month_series', 'customer_value')(bounds, start_column, end_column)) }}
{%- endmacro %}

{% macro default__month_series(bounds, start_column, end_column) -%}
    select cast(period_month as date) as period_month
    from (
        select unnest(generate_series(
            cast({{ start_column }} as timestamp), cast({{ end_column }} as timestamp), interval 1 month
        )) as period_month
        from {{ bounds }}
    ) as months
{%- endmacro %}

{% macro spark__month_series(bounds, start_column, end_column) -%}
    select cast(period_month as date) as period_month
    from (
        select explode(sequence(
            cast({{ start_column }} as date), cast({{ end_column }} as date), interval 1 month
        )) as period_month
        from {{ bounds }}
    ) as months
{%- endmacro %}
