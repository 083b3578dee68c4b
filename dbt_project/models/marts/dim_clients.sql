-- One row per client practice known to the warehouse: from its client.yml when it has one,
-- and from the files ingested for it.

with

clients as (

    select * from {{ ref('stg_ingest__clients') }}

),

files as (

    select * from {{ ref('stg_ingest__files') }}

),

file_summary as (

    select
        client_id,
        count(*) filter (where status = 'loaded') as loaded_file_count,
        count(*) filter (where status = 'failed') as failed_file_count,
        max(loaded_at) as last_loaded_at

    from files
    group by 1

),

final as (

    select
        coalesce(clients.client_id, file_summary.client_id) as client_id,
        coalesce(clients.client_name, coalesce(clients.client_id, file_summary.client_id))
            as client_name,
        clients.pm_system,
        clients.state_code,
        coalesce(file_summary.loaded_file_count, 0) as loaded_file_count,
        coalesce(file_summary.failed_file_count, 0) as failed_file_count,
        file_summary.last_loaded_at

    from clients
    full outer join file_summary
        on clients.client_id = file_summary.client_id

)

select * from final
