{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Layers land in schemas named after them (staging, intermediate, marts, reference) instead of
        dbt's default "<target schema>_<custom schema>", so analysts find `marts.fct_...` on every
        target. Without a custom schema a node lands in the target's schema. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
