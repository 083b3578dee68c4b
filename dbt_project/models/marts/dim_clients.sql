-- One row per client practice known to the warehouse: from its client.yml when it has one,
-- from the files ingested for it, and from the activity (claims, remittances, patient
-- transactions) found for it.

with

clients as (

    select * from {{ ref('stg_ingest__clients') }}

),

files as (

    select * from {{ ref('stg_ingest__files') }}

),

activity as (

    select * from {{ ref('int_clients__activity_spanned') }}

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

client_ids as (

    select client_id from clients
    union
    select client_id from file_summary
    union
    select client_id from activity

),

final as (

    select
        client_ids.client_id,
        coalesce(clients.client_name, client_ids.client_id) as client_name,
        clients.pm_system,
        clients.state_code,
        coalesce(file_summary.loaded_file_count, 0) as loaded_file_count,
        coalesce(file_summary.failed_file_count, 0) as failed_file_count,
        file_summary.last_loaded_at,
        activity.first_activity_date,
        activity.last_activity_date

    from client_ids
    left join clients
        on client_ids.client_id = clients.client_id
    left join file_summary
        on client_ids.client_id = file_summary.client_id
    left join activity
        on client_ids.client_id = activity.client_id

)

select * from final
