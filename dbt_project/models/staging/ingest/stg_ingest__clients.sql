with

source as (

    select * from {{ source('ingest', 'clients') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        billing_provider_npi,

        ---------- descriptions
        client_name,
        pm_system,
        pm_profile,
        upper(state_code) as state_code

    from source

)

select * from renamed
