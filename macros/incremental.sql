{#- issue 6: incremental builds by month with a lookback window for late-arriving data. -#}

{% macro incremental_by_month_config() -%}
    {#- The config of a model built incrementally by `period_month`: a scheduled run recomputes the
        months of the lookback window (lookback_window_start) and replaces exactly those months.
        DuckDB: delete+insert keyed on period_month; Spark: insert_overwrite of period_month partitions.
        A change of columns stops the run (on_schema_change fail): rebuild with --full-refresh. -#}
    {{ return(adapter.dispatch('incremental_by_month_config', 'customer_value')()) }}
{%- endmacro %}

{% macro default__incremental_by_month_config() -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': 'period_month',
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}

{% macro spark__incremental_by_month_config() -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'partition_by': ['period_month'],
        'file_format': 'parquet',
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}

{% macro lookback_window_start() -%}
    {#- First month an incremental run recomputes: the latest month the model already holds, minus
        `incremental_lookback_months` months. Measured from the model's own latest month (not from
        today), so a run after a pause recomputes everything since the last run as well. -#}
    {{ return(adapter.dispatch('lookback_window_start', 'customer_value')()) }}
{%- endmacro %}

{% macro default__lookback_window_start() -%}
    {%- set lookback = positive_int_var('incremental_lookback_months') -%}
    (
        select coalesce({{ add_months('max(period_month)', -lookback) }}, cast('1900-01-01' as date))
        from {{ this }}
    )
{%- endmacro %}

{% macro spark__lookback_window_start() -%}
    {#- Spark does not overwrite partitions of a table that the same statement reads ("Cannot overwrite a
        path that is also being read from"), so the first month is read beforehand and written into the
        query as a date. Unit tests (their `this` is a fixture) keep the subquery. -#}
    {%- if execute and model.resource_type == 'model' -%}
        {%- set lookback = positive_int_var('incremental_lookback_months') -%}
        {%- set result = run_query(
            'select cast(' ~ add_months('max(period_month)', -lookback) ~ ' as string) from ' ~ this
        ) -%}
        {%- set first_month = result.columns[0].values()[0] if result.rows | length > 0 else none -%}
        cast('{{ first_month or '1900-01-01' }}' as date)
    {%- else -%}
        {{ customer_value.default__lookback_window_start() }}
    {%- endif -%}
{%- endmacro %}

{% macro in_lookback_window(column) -%}
    {#- Filter of an incremental model's input: every row on a full build, the lookback window's months
        on an incremental one. -#}
    {%- if is_incremental() -%}
        {{ column }} >= {{ lookback_window_start() }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}
