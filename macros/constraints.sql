{#- issue 9: primary keys of the marts are declared, checked by tests, and not indexed. -#}

{% macro duckdb__get_table_columns_and_constraints() -%}
    {#- The column list and constraints of a contracted table on DuckDB. A mart keeps its primary key in
        the contract (docs, catalog, the semantic layer, Spark) but DuckDB builds no index for it: the
        key's columns are created `not null`, and the mart's uniqueness test (tests/python/
        test_docs_coverage.py requires one on exactly the key) checks the rest after each build, as dbt
        checks keys on the warehouses that never enforce them. An ART index over 25M composite keys took
        84 s of a 96 s copy of fct_customer_product_profitability at 1M customers, and every
        delete+insert of an incremental run paid for it again (DECISIONLOG, 2026-12-01 night); on a
        customer-grain mart of 1M rows it took 1.6 to 5.2 s of a 0.2 to 0.4 s copy (2026-12-02 later). -#}
    {%- set columns = {} -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set kept = [] -%}
        {%- for constraint in column.get('constraints', []) -%}
            {%- do kept.append({'type': 'not_null'} if constraint['type'] == 'primary_key' else constraint) -%}
        {%- endfor -%}
        {%- set copy = {} -%}
        {%- do copy.update(column) -%}
        {%- do copy.update({'constraints': kept}) -%}
        {%- do columns.update({name: copy}) -%}
    {%- endfor -%}
    {%- set model_constraints = [] -%}
    {%- for constraint in model['constraints'] -%}
        {%- if constraint['type'] == 'primary_key' -%}
            {%- set checks = [] -%}
            {%- for column in constraint['columns'] -%}
                {%- do checks.append(column ~ ' is not null') -%}
            {%- endfor -%}
            {%- do model_constraints.append({'type': 'check', 'expression': checks | join(' and ')}) -%}
        {%- else -%}
            {%- do model_constraints.append(constraint) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set rendered = adapter.render_raw_columns_constraints(raw_columns=columns)
        + adapter.render_raw_model_constraints(raw_constraints=model_constraints) -%}
    ({{ rendered | join(', ') }})
{%- endmacro %}

{% macro drop_retired_foreign_keys() -%}
    {#- on-run-start: a warehouse built before 2 December 2026 holds foreign keys from six customer-grain
        marts to dim_customers, which the project no longer declares (DECISIONLOG, 2026-12-02 later). DuckDB
        cannot drop a constraint, and while one exists dim_customers cannot be replaced, so the first build
        after an upgrade would fail on it. Each table of this project that still has a foreign key is
        copied without its constraints, in one transaction; the next build of the model recreates its
        primary key. A warehouse without such keys costs one catalog query. Other engines: nothing. -#}
    {{ return(adapter.dispatch('drop_retired_foreign_keys', 'customer_value')()) }}
{%- endmacro %}

{% macro default__drop_retired_foreign_keys() -%}
    select 1
{%- endmacro %}

{% macro duckdb__drop_retired_foreign_keys() -%}
    {%- if execute -%}
        {%- set models = [] -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
            {%- do models.append((node.database | lower, node.schema | lower, (node.alias or node.name) | lower)) -%}
        {%- endfor -%}
        {%- set found = run_query(
            "select distinct database_name, schema_name, table_name from duckdb_constraints()"
            ~ " where constraint_type = 'FOREIGN KEY'"
        ) -%}
        {%- for row in found.rows if (row[0] | lower, row[1] | lower, row[2] | lower) in models -%}
            {%- set table = adapter.quote(row[0]) ~ '.' ~ adapter.quote(row[1]) ~ '.' ~ adapter.quote(row[2]) -%}
            {%- set copy = adapter.quote(row[0]) ~ '.' ~ adapter.quote(row[1]) ~ '.'
                ~ adapter.quote(row[2] ~ '__without_foreign_key') -%}
            {%- do log('Dropping the retired foreign key of ' ~ table ~ ' (the table is kept).', info=true) -%}
            {%- do run_query(
                'begin transaction; create or replace table ' ~ copy ~ ' as select * from ' ~ table ~ '; '
                ~ 'drop table ' ~ table ~ '; alter table ' ~ copy ~ ' rename to '
                ~ adapter.quote(row[2]) ~ '; commit'
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
