with

source as (

    select * from {{ source('edi_835', 'edi_835_payments') }}

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
        {{ position_key('file_number', 'segment_index') }} as payment_id,
        check_or_eft_number,
        payer_trace_id,
        nullif(trim(payer_id), '') as payer_id,
        payer_name,
        payee_id_qualifier,
        payee_id,

        ---------- codes
        transaction_handling_code,
        payment_method_code,
        credit_debit_flag,

        ---------- numerics
        total_payment_amount,
        claim_payment_count,

        ---------- dates
        payment_date,
        production_date

    from numbered

)

select * from renamed
