with

source as (

    select * from {{ source('edi_835', 'edi_835_provider_adjustments') }}

),

file_numbers as (

    select * from {{ ref('stg_ingest__file_numbers') }}

),

numbered as (

    select
        source.*,
        file_numbers.file_number

    from source
    left join file_numbers
        on source.client_id = file_numbers.client_id
        and source.file_id = file_numbers.file_id

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        {{ position_key('file_number', 'segment_index * 10 + pair_number') }} as provider_adjustment_id,
        {{ position_key('file_number', 'payment_segment_index') }} as payment_id,
        provider_id,
        reference_id,

        ---------- codes
        upper(trim(adjustment_reason_code)) as adjustment_reason_code,

        ---------- numerics
        adjustment_amount,

        ---------- dates
        fiscal_period_date

    from numbered

)

select * from renamed
