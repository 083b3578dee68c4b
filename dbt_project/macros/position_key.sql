{#- A row's key from where it sits: the number of its file (stg_ingest__file_numbers) and its
    position in the file (a segment index, times 10 plus a triplet or pair number where one
    segment holds several rows). Exact BIGINT keys rather than long strings: joins and writes
    on a million claims are several times faster. file_id and segment_index stay on the rows
    for tracing a row back to its file. -#}
{% macro position_key(file_number, position) -%}
    ({{ file_number }} * 4294967296 + {{ position }})
{%- endmacro %}
