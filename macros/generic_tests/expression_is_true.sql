{% test expression_is_true(model, expression, column_name=none, where=none) %}
    {#- Fails with every row for which the expression is not true (false or null). Used for the
        accounting identities of the marts. -#}
    select *
    from {{ model }}
    where not coalesce(({{ column_name ~ ' ' if column_name else '' }}{{ expression }}), false)
{% endtest %}
