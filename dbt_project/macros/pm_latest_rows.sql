{#- The rows of a raw PM table, one per key per client: practices re-send overlapping
    exports (a cumulative charge report every month), so the row from the most recently loaded
    file wins, and within a file the last row. -#}
{% macro pm_latest_rows(table, key) %}
    select source.*
    from {{ source('pm', table) }} as source
    left join {{ source('ingest', 'ingest_files') }} as files
        on source.client_id = files.client_id
        and source.file_id = files.file_id
    qualify row_number() over (
        partition by source.client_id{% for column in key %}, source.{{ column }}{% endfor %}
        order by files.loaded_at desc nulls last, source.file_id desc,
            source.source_row_number desc
    ) = 1
{% endmacro %}
