{% test equal_sums(model, column_name, compare_model, compare_column, group_by=none, compare_group_by=none, tolerance=0) %}
    {#- Fails when the sum of a column differs from the sum of a column of another model, in total or
        per group (group_by and compare_group_by: lists of expressions, in the same order), by more
        than `tolerance`. Reconciliations to the cent use the default tolerance of 0. -#}
    {%- set left_groups = group_by or [] -%}
    {%- set right_groups = compare_group_by or group_by or [] -%}
    with left_sums as (
        select
            {% for g in left_groups %}{{ g }} as group_{{ loop.index }},{% endfor %}
            sum({{ column_name }}) as left_total
        from {{ model }}
        {% if left_groups %}group by {% for g in left_groups %}{{ g }}{{ ', ' if not loop.last }}{% endfor %}{% endif %}
    ),

    right_sums as (
        select
            {% for g in right_groups %}{{ g }} as group_{{ loop.index }},{% endfor %}
            sum({{ compare_column }}) as right_total
        from {{ compare_model }}
        {% if right_groups %}group by {% for g in right_groups %}{{ g }}{{ ', ' if not loop.last }}{% endfor %}{% endif %}
    )

    select
        {% for g in left_groups %}coalesce(left_sums.group_{{ loop.index }}, right_sums.group_{{ loop.index }}) as group_{{ loop.index }},{% endfor %}
        coalesce(left_sums.left_total, 0) as left_total,
        coalesce(right_sums.right_total, 0) as right_total
    from left_sums
    full outer join right_sums
        on {% if left_groups %}{% for g in left_groups %}left_sums.group_{{ loop.index }} = right_sums.group_{{ loop.index }}{{ ' and ' if not loop.last }}{% endfor %}{% else %}1 = 1{% endif %}
    where abs(coalesce(left_sums.left_total, 0) - coalesce(right_sums.right_total, 0)) > {{ tolerance }}
{% endtest %}
