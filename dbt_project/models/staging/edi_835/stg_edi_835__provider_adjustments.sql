with

source as (

    select * from {{ source('edi_835', 'edi_835_provider_adjustments') }}

),

numbered as (

    {{ with_file_number('source') }}

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
