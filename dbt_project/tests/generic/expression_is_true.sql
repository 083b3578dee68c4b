{#- Rows for which the expression is false fail the test (jaffle-shop's idea, written locally
    because dbt packages cannot be fetched here). -#}
{% test expression_is_true(model, expression, where_clause=none) %}
select *
from {{ model }}
where not ({{ expression }})
{%- if where_clause %} and ({{ where_clause }}){% endif %}
{% endtest %}
