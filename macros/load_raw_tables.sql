{% macro load_raw_tables(location, tables, drop_relations=[]) -%}
    {#- Replaces the raw tables from Parquet files that `customer-value load` has validated and written
        (one `<table>.parquet` per table in `location`, already in the contract's columns and types).
        `tables` maps each table name to its [column, type] pairs. Called by the loader with
        `dbt run-operation` on engines whose loader does not write the tables itself (Spark); the
        DuckDB loader replaces the raw schema in one transaction of its own. -#}
    {{ return(adapter.dispatch('load_raw_tables', 'customer_value')(location, tables, drop_relations)) }}
{%- endmacro %}

{% macro default__load_raw_tables(location, tables, drop_relations=[]) -%}
    {{ exceptions.raise_compiler_error(
        "load_raw_tables has no variant for adapter '" ~ adapter.type() ~ "'; "
        ~ "customer-value load writes DuckDB itself and Spark through spark__load_raw_tables."
    ) }}
{%- endmacro %}

{% macro spark__load_raw_tables(location, tables, drop_relations=[]) -%}
    {#- Spark (without Delta or Iceberg) has no transaction over several tables. Every table is first
        written as raw.<table>__loading; only when all are written is each old table dropped and the
        new one renamed into place, so a failed write leaves the previous raw tables as they were
        (left-over __loading tables are dropped by the next load). -#}
    {%- do run_query('create schema if not exists raw') -%}
    {%- for table, columns in tables.items() -%}
        {%- set casts = [] -%}
        {%- for column in columns -%}
            {%- do casts.append('cast(`' ~ column[0] ~ '` as ' ~ column[1] ~ ') as `' ~ column[0] ~ '`') -%}
        {%- endfor -%}
        {%- do run_query('drop table if exists raw.`' ~ table ~ '__loading`') -%}
        {%- do run_query(
            'create table raw.`' ~ table ~ '__loading` using parquet as select ' ~ casts | join(', ')
            ~ ' from parquet.`' ~ location ~ '/' ~ table ~ '.parquet`'
        ) -%}
    {%- endfor -%}
    {%- for table in tables -%}
        {%- do run_query('drop table if exists raw.`' ~ table ~ '`') -%}
        {%- do run_query('alter table raw.`' ~ table ~ '__loading` rename to raw.`' ~ table ~ '`') -%}
    {%- endfor -%}
    {#- issue 6: the incremental models were built from the replaced history; the next build recreates them -#}
    {%- for relation in drop_relations -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
{%- endmacro %}
