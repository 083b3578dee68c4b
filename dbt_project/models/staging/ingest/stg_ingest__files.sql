with

source as (

    select * from {{ source('ingest', 'ingest_files') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        file_name,

        ---------- codes
        kind,
        version,
        status,

        ---------- numerics
        size_bytes,
        claim_count,
        row_count,
        diagnostic_count,
        error_count,
        total_charge_amount,
        total_paid_amount,

        ---------- errors
        error_message,
        error_location,

        ---------- timestamps
        first_seen_at,
        last_seen_at,
        loaded_at,
        times_seen

    from source

)

select * from renamed
