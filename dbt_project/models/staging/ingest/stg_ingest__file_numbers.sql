-- One row per X12 file with rows in the warehouse (client_id, file_id): a small dense number
-- that the staging models turn, with each row's position in its file, into exact BIGINT keys
-- (see macro position_key). Numbers are reassigned on every build; keys are only joined
-- within a build.

with

claim_files as (

    select distinct client_id, file_id from {{ source('edi_837', 'edi_837_claims') }}

),

remittance_files as (

    select distinct client_id, file_id from {{ source('edi_835', 'edi_835_payments') }}

),

files as (

    select client_id, file_id from claim_files
    union
    select client_id, file_id from remittance_files

),

numbered as (

    select
        client_id,
        file_id,
        row_number() over (order by client_id, file_id) as file_number

    from files

)

select * from numbered
