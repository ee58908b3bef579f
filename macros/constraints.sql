{#- issue 9: primary keys of the largest marts are declared, checked by tests, and not indexed. -#}

{% macro duckdb__get_table_columns_and_constraints() -%}
    {#- The column list and constraints of a contracted table on DuckDB. A model whose config has
        `meta: {primary_key_index: false}` keeps its primary key in the contract (docs, catalog, the
        semantic layer, Spark) but DuckDB builds no index for it: the key's columns are created
        `not null` and the model's uniqueness test (tests/python/test_docs_coverage.py requires one on
        exactly the key) checks the rest after each build. An ART index over 25M composite keys
        took 84 s of a 96 s copy of fct_customer_product_profitability at 1M customers, and every
        delete+insert of an incremental run pays for it again (DECISIONLOG, 2026-12-01 night).
        Every other model gets dbt's rendering unchanged. -#}
    {%- if (model.get('config', {}).get('meta') or {}).get('primary_key_index', true) -%}
        {{ return(table_columns_and_constraints()) }}
    {%- endif -%}
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
