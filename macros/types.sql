{% macro type_money() -%}
    {#- Money: decimal currency with cents. Every amount in the project uses this type. -#}
    {{ return(adapter.dispatch('type_money', 'customer_value')()) }}
{%- endmacro %}

{% macro default__type_money() -%}
    decimal(18, 2)
{%- endmacro %}

{% macro type_rate() -%}
    {#- Rates and shares (interest rates, cost per minute): enough digits that rate x quantity is exact
        to the cent for any realistic quantity. -#}
    {{ return(adapter.dispatch('type_rate', 'customer_value')()) }}
{%- endmacro %}

{% macro default__type_rate() -%}
    decimal(18, 8)
{%- endmacro %}
