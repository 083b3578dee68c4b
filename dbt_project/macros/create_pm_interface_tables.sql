{#- The practice-management (PM) tables the models read, in the canonical layout of
    docs/pm-canonical.md plus the lineage columns (client_id, file_id). They are created empty
    when the PM loader has not created them, so every model builds on 837/835 data alone. The
    PM loader owns these tables: it creates them with at least these columns (it may add more,
    e.g. pseudonyms) and fills them. Runs as an on-run-start hook; `create ... if not exists`
    never touches loaded data. -#}
{% macro create_pm_interface_tables() %}
    create schema if not exists raw;
    create table if not exists raw.pm_patient_payments (
        client_id varchar,
        file_id varchar,
        payment_id varchar,
        patient_id varchar,
        visit_id varchar,
        claim_id varchar,
        posting_date date,
        amount decimal(18, 2),
        method varchar
    );
    create table if not exists raw.pm_adjustments (
        client_id varchar,
        file_id varchar,
        adjustment_id varchar,
        patient_id varchar,
        visit_id varchar,
        claim_id varchar,
        posting_date date,
        amount decimal(18, 2),
        adjustment_type varchar,
        applies_to varchar
    );
    create table if not exists raw.pm_charges (
        client_id varchar,
        file_id varchar,
        charge_id varchar,
        visit_id varchar,
        service_id varchar,
        claim_id varchar,
        line_id varchar,
        service_date date,
        procedure_code varchar,
        units decimal(18, 3),
        amount decimal(18, 2),
        payer_id varchar,
        status varchar
    );
    create table if not exists raw.pm_payer_contracts (
        client_id varchar,
        file_id varchar,
        payer_id varchar,
        payer_name varchar,
        procedure_code varchar,
        modifier varchar,
        basis varchar,
        allowed_amount decimal(18, 2),
        share_of_medicare decimal(9, 4),
        effective_from date,
        effective_to date
    );
{% endmacro %}
