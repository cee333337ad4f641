-- Parsing helpers for the staging models (temporary: they do not end up in the warehouse).
-- Exports write dates as dd/mm/yyyy [hh:mm[:ss]] or ISO, numbers with a decimal comma.
CREATE OR REPLACE TEMP MACRO wb_text(s) AS nullif(trim(s), '');
CREATE OR REPLACE TEMP MACRO wb_ts(s) AS try_strptime(trim(s), [
    '%d/%m/%Y %H:%M', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y', '%d-%m-%Y %H:%M', '%d-%m-%Y',
    '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M', '%Y-%m-%d',
    '%d.%m.%Y %H:%M', '%d.%m.%Y'
]);
-- "172.100,5" and "172100,5" and "172100.5" all mean 172100.5.
CREATE OR REPLACE TEMP MACRO wb_num(s) AS CASE
    WHEN trim(s) LIKE '%,%' THEN try_cast(replace(replace(replace(trim(s), ' ', ''), '.', ''), ',', '.') AS DOUBLE)
    ELSE try_cast(replace(trim(s), ' ', '') AS DOUBLE)
END;
CREATE OR REPLACE TEMP MACRO wb_int(s) AS try_cast(round(wb_num(s)) AS BIGINT);
CREATE OR REPLACE TEMP MACRO wb_reject(field_name, reason_text, value_text) AS
    struct_pack(field := field_name, reason := reason_text, value := CAST(value_text AS VARCHAR));
