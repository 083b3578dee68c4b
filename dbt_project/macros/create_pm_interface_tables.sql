{#- The practice-management (PM) tables the models read, created empty when the PM loader has
    not created them yet, so every model builds on 837/835 data alone. The PM loader owns these
    tables: it must create them with at least these columns (names and types), and may add
    more. Runs as an on-run-start hook; `create ... if not exists` never touches loaded data. -#}
{% macro create_pm_interface_tables() %}
    create schema if not exists raw;
    create table if not exists raw.pm_patient_payments (
        client_id varchar,
        file_id varchar,
        payment_id varchar,
        posting_date date,
        amount decimal(18, 2),
        patient_pseudonym varchar,
        patient_control_number varchar,
        visit_id varchar,
        payment_method varchar
    );
    create table if not exists raw.pm_patient_adjustments (
        client_id varchar,
        file_id varchar,
        adjustment_id varchar,
        posting_date date,
        amount decimal(18, 2),
        patient_pseudonym varchar,
        patient_control_number varchar,
        visit_id varchar,
        reason varchar
    );
    create table if not exists raw.pm_payer_contracts (
        client_id varchar,
        file_id varchar,
        payer_id varchar,
        payer_name varchar,
        hcpcs_code varchar,
        modifier varchar,
        allowed_amount decimal(18, 2),
        medicare_share decimal(9, 4),
        effective_start_date date,
        effective_end_date date
    );
{% endmacro %}
