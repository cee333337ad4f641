-- Parsing helpers for the staging models (temporary: they do not end up in the warehouse).
-- Exports write dates as dd/mm/yyyy [hh:mm[:ss]] or ISO, numbers with a decimal comma.
-- trim() copies every string; most fields are plain ASCII without surrounding spaces, so
-- it only runs on the others (four times faster on a million rows, same result: trim
-- removes spaces and Unicode spaces such as the no-break space, which are not ASCII).
-- The zone's time zone ([zone].timezone); the build defines it again from zone.toml.
CREATE OR REPLACE TEMP MACRO wb_zone_tz() AS 'Europe/Brussels';
-- Invisible format characters (zero-width space U+200B, byte order mark U+FEFF, word
-- joiner, soft hyphen: Unicode category Cf) come with text copied from a web page, a mail
-- or Teams; they are left out, so "Kerkstraat\u200b" is Kerkstraat. Only non-ASCII text
-- pays for the regex.
CREATE OR REPLACE TEMP MACRO wb_text(s) AS CASE
    WHEN strlen(s) <> length(s) THEN nullif(trim(regexp_replace(s, '\p{Cf}+', '', 'g')), '')
    WHEN starts_with(s, ' ') OR ends_with(s, ' ') THEN nullif(trim(s), '')
    ELSE nullif(s, '')
END;
-- A record key (PV number, accident, report, task or control number) in its canonical form:
-- upper case, without spaces of any kind or invisible format characters (a zero-width space
-- copied along from a web page), also inside ("le.55.l7.0000002/2025" and
-- "LE.55.L7. 0000002/2025" are LE.55.L7.0000002/2025). Exports of one system differ in
-- exactly this (a register typed by hand, a web form), and a key that compared as written
-- counted one PV twice across exports. Used wherever a key is read, so every comparison
-- (within a file, across exports, victims to their accident) and every mart sees this form.
-- A line break counts as a space ("\nP2" and "P2\r" are P2): a quoted field keeps one, and
-- odd line ends ("\r\r\n") can leave one before the first field of a row. Excel's text
-- escape ="P5" (a CSV written so that Excel keeps the key as text) is the key P5.
-- upper() on every key (20 ms per 10^6 here); the regexes only for keys with a space, a tab,
-- a line break, a non-ASCII character or a leading "=".
-- A key of digits only loses its leading zeros ("000123" is 123): Excel reads such a
-- number as a number and drops them, so a register's CSV and its copy saved from Excel
-- counted every record twice (an audit). Only keys that start with a 0 (or hold a space)
-- pay for the regex.
CREATE OR REPLACE TEMP MACRO wb_key(s) AS CASE
    WHEN contains(s, ' ') OR contains(s, chr(9)) OR contains(s, chr(10)) OR contains(s, chr(13))
        OR strlen(s) <> length(s) OR starts_with(s, '=')
        THEN nullif(regexp_replace(upper(regexp_replace(regexp_replace(s, '[\s\p{Zs}\p{Cf}]+', '', 'g'), '^="(.*)"$', '\1')), '^0+(\d+)$', '\1'), '')
    WHEN starts_with(s, '0') THEN upper(regexp_replace(s, '^0+(\d+)$', '\1'))
    ELSE nullif(upper(s), '')
END;
-- A key Excel spoilt before it was exported (``k``: the key as wb_key gives it): an error
-- value where the formula or lookup behind the cell failed (Dutch, English and French
-- Excel: "#N/B", "#N/A", "#VERW!", "#WAARDE!", ...), or a long number Excel rounded to
-- scientific notation ("1,23457E+11": the digits after the sixth are lost, so distinct
-- records share it). Either is no record key: refused with its own reason (wb_key_reject)
-- right after the missing-key rule, before the duplicate-key rule, so such rows never
-- count as one record nor as duplicates of each other. Ordinary keys cost a starts_with
-- and a contains (the key is upper case already).
CREATE OR REPLACE TEMP MACRO wb_key_spoilt(k) AS CASE
    WHEN starts_with(k, '#') THEN k IN (
        '#N/A', '#N/B', '#NA', '#REF!', '#VERW!', '#VALUE!', '#WAARDE!', '#VALEUR!',
        '#DIV/0!', '#DEEL/0!', '#NAME?', '#NAAM?', '#NOM?', '#NUM!', '#GETAL!', '#NOMBRE!',
        '#NULL!', '#LEEG!', '#NUL!', '#SPILL!', '#OVERLOOP!', '#CALC!', '#BEREKENEN!')
    WHEN contains(k, 'E+') THEN regexp_full_match(k, '\d(?:[.,]\d+)?E\+\d{1,3}')
    ELSE false
END;
-- Excel serial dates (days since 1899-12-30, "45321" or "45321,5") as a CSV export of an
-- Excel sheet writes them; only 5-digit serials (1927-2173), so a year or an id is not a date.
-- The time is rounded to the second, as wb_time does: Excel's General format writes 14:00
-- as "45325,58333", which is 13:59:59.712 (hour 13) read to the microsecond.
-- Fast path: the one format ISLP exports use (with or without a time) is tried alone
-- first, picked by the space; a failed parse costs several times a successful one, which
-- made date parsing the largest cost of a big build. Then ISO (a database's dump), picked
-- by the dash after a four-digit year, and UTC with a Z (a web platform's export): through
-- the list below they cost 5 and 16 µs a value, a million-row export 5 to 16 s per date
-- column. No format of either matches a string an earlier format of the list matches, and
-- anything else falls through to the list, so the result is the same.
-- The fast path reads the field as it is; one with surrounding spaces fails it and is
-- trimmed by the list below.
-- trim(s) is written once: DuckDB evaluates an expression that occurs twice in a query
-- once, for every row, before the COALESCE would have skipped it (a copy of every date
-- string; the serial-date test therefore allows the spaces trim removes itself).
-- With trim() twice here, each date column cost twice as much.
-- ISO 8601 with an offset or Z (a web platform's export, "2024-02-03T13:30:00Z") is a
-- moment: it becomes the zone's local time (wb_zone_tz), like every other date. Those
-- formats are tried last, in a lambda that names the trimmed text once; a date left
-- empty never gets past the fast path (the CASE), so the empty end dates of a million rows
-- cost nothing.
-- An offset no place has (from +15:00, or 60 minutes and more) is no date: DuckDB would
-- read "+25:00" as 25 hours.
-- Every kind of space counts as a space (Excel may put a no-break space between date and
-- time), and year/month/day with slashes ("2024/02/03") is read too: no other format of
-- the list reads a string that starts with four digits and a slash.
-- A date as a person types it in a register kept by hand, tried after every other way:
-- the time written "14u30", "14u", "14h30", "14.30", "14 uur", "14:30 uur"; "om", "à"/"a",
-- "at", a comma or a dash between date and time; a weekday before the date ("zaterdag
-- 3/02/2024", "za. 3/02/2024"; a word for the beginning, "vanaf", "van", "na", "sinds":
-- the facts began then; "tot 04/02/2024 06:00", "vóór …" are no moment and stay refused);
-- seconds with a fraction after a comma ("14:30:00,000").
-- Rewritten step by step to the forms of the format list, then read by it; a two-digit
-- year, a US date or AM/PM stay refused. No lambda: one around these patterns cost 0.07
-- CPU-s a million dates when every vector holds a bad date (the benchmark's planted ones),
-- as a lambda is set up for each vector that reaches it.
-- A day ending at 24:00 ("05/03/2025 24:00", "5/3/2025 24u"), as an end is often written:
-- the next day at 00:00. Only the plain day forms before the time; tried last.
CREATE OR REPLACE TEMP MACRO wb_day_end(s) AS try_strptime(trim(regexp_extract(s,
    '^(.*\d)[\s\p{Zs}]+24[\s\p{Zs}]*(?:[:uUhH.][\s\p{Zs}]*00(?::00)?)?[\s\p{Zs}]*(?:uur|u|h)?\.?[\s\p{Zs}]*$', 1)),
    ['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%Y-%m-%d', '%Y/%m/%d']) + INTERVAL 1 DAY;
CREATE OR REPLACE TEMP MACRO wb_loose_date(s) AS coalesce(try_strptime(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        lower(regexp_replace(s, '\p{Zs}', ' ', 'g')),
        '^\s*(?:(?:vanaf|van|na|sinds|depuis)\s+)?(?:(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+)?(\d)', '\1'),
        '^\s*(\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})(?:\s*[,-]\s*|\s+(?:(?:om|à|a|at)\s+)?)(\d)', '\1 \2'),
        '\s(\d{1,2})\s*[uh.]\s*(\d{2})', ' \1:\2'),
        '\s(\d{1,2})\s*(?:uur|u|h)\.?\s*$', ' \1:00'),
        '^\s*(.*?:\d{2})(?:[.,]\d+)?\s*(?:uur|u|h)?\.?\s*$', '\1'),
    ['%d/%m/%Y %H:%M', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y', '%d-%m-%Y %H:%M', '%d-%m-%Y %H:%M:%S',
     '%d-%m-%Y', '%d.%m.%Y %H:%M', '%d.%m.%Y %H:%M:%S', '%d.%m.%Y', '%Y-%m-%d %H:%M',
     '%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S']), wb_day_end(s));
-- A date with its month in words, as a spreadsheet formats it ("3 februari 2024", "zaterdag
-- 3 feb. 2024 14:30", "03-Feb-2024", "3 février 2024"): Dutch, French and English month
-- names and their usual abbreviations; the year in four digits (a two-digit year stays
-- refused). Tried last, only for text with letters and digits, and outside the lambda of
-- wb_ts0: inside a lambda DuckDB compiles a pattern again for every vector that reaches
-- it, and there this one cost 0.3 CPU-s at 10^6 (a vector with one bad date pays it).
CREATE OR REPLACE TEMP MACRO wb_month_name_date(t) AS list_transform(
    [regexp_extract(lower(strip_accents(t)),
        '^[\s\p{Zs}]*(?:(?:vanaf|van|na|sinds|depuis)\s+)?(?:(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+)?(\d{1,2})[\s./-]*([a-z]+)\.?[\s./-]*(\d{4})(.*?)[\s\p{Zs}]*$',
        ['d', 'm', 'y', 'rest'])],
    -- The date rebuilt as dd/mm/yyyy plus the rest (a time, also one typed by hand as
    -- "14u30"), read by wb_loose_date, which leaves plain forms as they are.
    lambda p: wb_loose_date(p.d || '/' || CASE
        WHEN p.m IN ('januari', 'jan', 'january', 'janvier', 'janv') THEN '01'
        WHEN p.m IN ('februari', 'feb', 'february', 'fevrier', 'fevr', 'fev') THEN '02'
        WHEN p.m IN ('maart', 'mrt', 'maa', 'mar', 'march', 'mars') THEN '03'
        WHEN p.m IN ('april', 'apr', 'avril', 'avr') THEN '04'
        WHEN p.m IN ('mei', 'may', 'mai') THEN '05'
        WHEN p.m IN ('juni', 'jun', 'june', 'juin') THEN '06'
        WHEN p.m IN ('juli', 'jul', 'july', 'juillet', 'juil') THEN '07'
        WHEN p.m IN ('augustus', 'aug', 'august', 'aout') THEN '08'
        WHEN p.m IN ('september', 'sep', 'sept', 'septembre') THEN '09'
        WHEN p.m IN ('oktober', 'okt', 'october', 'oct', 'octobre') THEN '10'
        WHEN p.m IN ('november', 'nov', 'novembre') THEN '11'
        WHEN p.m IN ('december', 'dec', 'decembre') THEN '12'
        END || '/' || p.y || p.rest))[1];
CREATE OR REPLACE TEMP MACRO wb_ts0(s) AS coalesce(
    CASE WHEN contains(s, ' ') THEN try_strptime(s, '%d/%m/%Y %H:%M')
        ELSE try_strptime(s, '%d/%m/%Y') END,
    -- An empty date (most end dates) stops here: none of the ways below is even looked at.
    CASE WHEN s IS NOT NULL THEN coalesce(
    CASE WHEN substr(s, 5, 1) = '-' THEN CASE WHEN right(s, 1) IN ('Z', 'z')
        THEN CASE WHEN try_cast(left(s, 10) AS DATE) IS NOT NULL THEN
        timezone(wb_zone_tz(), try_strptime(left(s, -1) || '+00:00', ['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z'])) END
        ELSE try_strptime(s, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d']) END END,
    list_transform([regexp_replace(wb_text(s), '\p{Zs}', ' ', 'g')], lambda t: coalesce(try_strptime(t, [
    '%d/%m/%Y %H:%M', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y', '%d-%m-%Y %H:%M', '%d-%m-%Y',
    '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M', '%Y-%m-%d',
    '%d.%m.%Y %H:%M', '%d.%m.%Y', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f',
    '%d/%m/%Y %H:%M:%S.%f', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y/%m/%d'
    ]), CASE WHEN NOT regexp_matches(t, '[+-](1[5-9]|[2-9]\d)(:?\d\d)?$|[+-]\d\d:?[6-9]\d$|[\sT]\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}$')
        AND try_cast(left(t, 10) AS DATE) IS NOT NULL
    THEN timezone(wb_zone_tz(), try_strptime(regexp_replace(regexp_replace(regexp_replace(t,
        '(?i)[Zz]$|\s*UTC$', '+00:00'), '(\.\d{6})\d+', '\1'), '\s+([+-]\d\d:?\d\d)$', '\1'), [
    '%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%d %H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z',
    '%Y-%m-%d %H:%M:%S.%f%z', '%Y-%m-%dT%H:%M%z', '%Y-%m-%d %H:%M%z'
    ])) END))[1],
    CASE WHEN regexp_full_match(s, '[ \p{Zs}]*[1-9]\d{4}([.,]\d+)?[ \p{Zs}]*')
    THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(TRY_CAST(replace(trim(s), ',', '.') AS DOUBLE) * 86400) AS BIGINT) * 1000000) END,
    CASE WHEN lower(s) <> upper(s) AND length(translate(s, '0123456789', '')) < length(s)
    THEN wb_month_name_date(s) END,
    wb_loose_date(s)) END);
-- A period written in one date field, as some exports give a fact whose exact time is
-- unknown: "03/02/2024 22:00 - 04/02/2024 06:00", "van 03/02/2024 22:00 tot 04/02/2024
-- 06:00", "tussen ... en ...", "du ... au ...", "03/02/2024 22u - 04/02/2024 6u",
-- "03/02/2024 - 04/02/2024", with an en or em dash, or
-- "03/02/2024 22:00-06:00" (an end time only: on the day it began, or the next). A struct
-- of the two parts as text (a: beginning, b: end), NULL when the field is no such period.
-- Only asked for a field that is no date (wb_ts NULL): the patterns never see the usual rows.
CREATE OR REPLACE TEMP MACRO wb_period(s) AS CASE
    WHEN regexp_matches(s, '^[\s\p{Zs}]*(?:(?i:vanaf|van|tussen|du|entre)[\s\p{Zs}]+)?.*?\d(?:[\s\p{Zs}]*(?i:uur|u|h)\.?)?[\s\p{Zs}]*(?:[\s\p{Zs}]-[\s\p{Zs}]|[–—]|[\s\p{Zs}](?i:tot en met|tot|t/m|en|au|à|et)[\s\p{Zs}])[\s\p{Zs}]*\d')
    THEN regexp_extract(s, '^[\s\p{Zs}]*(?:(?i:vanaf|van|tussen|du|entre)[\s\p{Zs}]+)?(.*?\d(?:[\s\p{Zs}]*(?i:uur|u|h)\.?)?)[\s\p{Zs}]*(?:[\s\p{Zs}]-[\s\p{Zs}]|[–—]|[\s\p{Zs}](?i:tot en met|tot|t/m|en|au|à|et)[\s\p{Zs}])[\s\p{Zs}]*(\d.*?)[\s\p{Zs}]*$', ['a', 'b'])
    WHEN regexp_matches(s, '^[\s\p{Zs}]*(?:(?i:vanaf|van|tussen)[\s\p{Zs}]+)?.*\d{1,2}[:uh.]\d{2}[\s\p{Zs}]*-[\s\p{Zs}]*\d{1,2}[:uh.]\d{2}[\s\p{Zs}]*$')
    THEN regexp_extract(s, '^[\s\p{Zs}]*(?:(?i:vanaf|van|tussen)[\s\p{Zs}]+)?(.*\d{1,2}[:uh.]\d{2})[\s\p{Zs}]*-[\s\p{Zs}]*(\d{1,2}[:uh.]\d{2})[\s\p{Zs}]*$', ['a', 'b'])
END;
-- A moment written without a time of day (a date, an Excel date cell, a serial without a
-- fraction): the time is unknown, not midnight. ``day`` as parsed, ``s`` the text it came from.
-- A time typed by hand is a time too: "03/02/2024 0u", "00u00", "00.00", "24u" (the next
-- day at 00:00, wb_day_end), "0 uur". Only midnights without a colon get to that pattern.
CREATE OR REPLACE TEMP MACRO wb_day_only(day, s) AS CASE
    WHEN CAST(day AS TIME) <> TIME '00:00:00' OR contains(s, ':') THEN false
    ELSE NOT regexp_matches(s, '\d[\s\p{Zs}]*(?i:uur|u|h)(?:[\s\p{Zs}.]*\d|[\s\p{Zs}.]*$)|[\s\p{Zs}]\d{1,2}\.\d{2}[\s\p{Zs}]*$')
END;
-- A two-digit year ("03/02/24") parses as year 24: not a usable date. greatest() raises
-- anything before 1900 to the last microsecond of 1899, which nullif() then turns into
-- NULL: wb_ts0 is written once, where "CASE WHEN year(wb_ts0(s)) >= 1900 THEN wb_ts0(s)
-- END" parsed every date twice.
CREATE OR REPLACE TEMP MACRO wb_ts(s) AS
    nullif(greatest(wb_ts0(s), TIMESTAMP '1899-12-31 23:59:59.999999'), TIMESTAMP '1899-12-31 23:59:59.999999');
-- A placeholder where a date belongs: what a source system or Excel writes for "no date".
-- Not a real date, so refused with its own reason (wb_placeholder_reject), before the
-- "no valid date" and "in the future" rules. The placeholder days: 1900-01-01 (Excel's
-- day 1, SQL Server's zero), 1899-12-30 and 1899-12-31 (day 0 of LibreOffice and of Excel),
-- 0001-01-01 (.NET, Java, ISO's minimum), 1753-01-01 (SQL Server's minimum), 9999-12-31
-- ("never"), at any time of day; as Excel serials 0, 1, 2 (with or without a fraction) and
-- 2958465; MySQL's zero date "0000-00-00" (also "00/00/0000"); and midnight without a date
-- (how the workbook reader renders an Excel date cell holding 0: "00:00"; another time
-- alone stays "no valid date": someone may type the end time in a date column). Old dates
-- as such stay real: a historic fact on 14/05/1985 or 02/01/1900 is kept.
-- ``ts`` is the field as wb_ts read it, ``s`` its text (wb_text). A date that reads (ts;
-- wb_ts gives nothing before 1900) costs two comparisons; text that is no date (refused
-- anyway) is matched with one regular expression: the placeholder days before 1900 as
-- d/m/y or y-m-d (separators - / .), with or without a time. (Reading that text with
-- wb_ts0 instead cost the incidents' staging 0.15 s at 10^6 rows, though only rows
-- without a date reach it: the size of the expression costs, not its use.)
CREATE OR REPLACE TEMP MACRO wb_placeholder_date(ts, s) AS CASE
    WHEN ts IS NOT NULL THEN ts < TIMESTAMP '1900-01-02' OR ts >= TIMESTAMP '9999-12-31'
    WHEN s IS NULL THEN false
    ELSE regexp_full_match(s, '[\s\p{Zs}]*(?:(?:0|1|2|2958465)(?:[.,]\d*)?|0+[-/.]0+[-/.]0+(?:[\sT].*)?|0?0:00(?::00(?:[.,]0+)?)?|(?:0?1[-/.]0?1[-/.](?:0001|1753)|3[01][-/.]12[-/.]1899|(?:0001|1753)[-/.]0?1[-/.]0?1|1899[-/.]12[-/.]3[01])(?:[\sT].*)?)[\s\p{Zs}]*')
END;
-- A time of day in a column of its own (an export that splits "Datum feit" and "Uur feit"):
-- "14:30", "9:05", "14:30:15", "14u30", "14u", "14h30", "14.30", "14" (the hour), or an
-- Excel time as a fraction of a day ("0,6041667" = 14:30). 24:00 ("24u", "24:00") is the
-- end of the day, as an end time is often written (wb_at: the next day at 00:00); NULL when
-- it is none (also after 24:00). Only rows with such a column get here: an empty field never reaches the lambda.
CREATE OR REPLACE TEMP MACRO wb_time(s) AS CASE WHEN s IS NOT NULL THEN list_transform([wb_text(s)], lambda t:
    CASE
        WHEN regexp_full_match(t, '0([.,]\d+)?') THEN TIME '00:00:00' + to_microseconds(
            CAST(round(CAST(replace(t, ',', '.') AS DOUBLE) * 86400) AS BIGINT) * 1000000)
        ELSE list_transform([try_cast(regexp_replace(regexp_replace(t,
            '^(\d{1,2})\s*[uUhH.]\s*(\d{2})$', '\1:\2'), '^(\d{1,2})\s*[uUhH]?$', '\1:00') AS TIME)],
            lambda v: CASE WHEN v <= TIME '24:00:00' THEN v END)[1]
    END)[1] END;
-- A column of hours ("Uur feit", "Einduur", "Uur melding"): also four digits without a
-- separator, as typed in a register ("1430", "930", "0715": 14:30, 09:30, 07:15). Only in
-- such a column: in a date field "2024" is a year, not 20:24.
CREATE OR REPLACE TEMP MACRO wb_time_col(s) AS wb_time(
    CASE WHEN regexp_full_match(s, '\s*\d{3,4}\s*') THEN regexp_replace(trim(s), '^(\d{1,2})(\d{2})$', '\1:\2') ELSE s END);
-- A moment from a date field and, when the export has one, a time column: the time column
-- gives the time of day (a time in the date field is then overruled).
CREATE OR REPLACE TEMP MACRO wb_at(day, clock) AS
    CASE WHEN clock IS NULL THEN day ELSE CAST(day AS DATE) + clock END;
-- The end when an export gives only its hour ("Einduur", "Tot"): that hour on the day the
-- beginning falls, or on the next day when it comes before the beginning (a burglary
-- "between 22:00 and 06:00", a control through midnight).
CREATE OR REPLACE TEMP MACRO wb_end_at(day, clock, end_clock) AS wb_at(day, end_clock)
    + CASE WHEN end_clock < CAST(wb_at(day, clock) AS TIME) THEN INTERVAL 1 DAY ELSE INTERVAL 0 DAY END;
-- The end of a record whose end may come as a date (with or without its hour column) or as
-- an hour alone (wb_end_at on the day of the beginning): traffic controls and events.
CREATE OR REPLACE TEMP MACRO wb_end(end_day, end_clock, day, clock) AS CASE
    WHEN end_day IS NOT NULL THEN wb_at(end_day, end_clock)
    WHEN end_clock IS NOT NULL THEN wb_end_at(day, clock, end_clock)
END;
-- An estimate as a list writes it ("ca. 2000", "± 1.500", "500-800", "500 à 800 personen"):
-- the number, a range as its upper end (a planning is made for the most); other text as
-- it is (wb_count then refuses it).
CREATE OR REPLACE TEMP MACRO wb_estimate_text(s) AS list_transform(
    [regexp_replace(regexp_replace(lower(trim(CAST(s AS VARCHAR))),
        '^(ca\.?|circa|ongeveer|±|\+/-|\+-|~|max\.?|maximaal|maximum|environ|env\.)\s*', ''),
        '\s*(bezoekers|personen|pers\.?|deelnemers|personnes|\+)$', '')],
    lambda t: CASE
        WHEN regexp_full_match(t, '[0-9][0-9. ]*\s*(-|–|à|a|tot|tot en met)\s*[0-9][0-9. ]*')
            THEN trim(regexp_extract(t, '(?:-|–|à|a|tot|tot en met)\s*([0-9][0-9. ]*)$', 1))
        ELSE t
    END)[1];
-- Numbers as exports write them:
-- * spaces of any kind are ignored (Excel groups digits with a no-break or narrow no-break
--   space: "172 100,5");
-- * one comma and no point is a decimal comma ("172100,5"), one point and no comma a
--   decimal point ("172100.5");
-- * both, or a separator repeated, must be grouped digits, Dutch "1.234.567,89" or English
--   "1,234,567.89", in groups of three;
-- * anything else is no number (NULL), never a guess: "172.1005,5" is not 1721005.5.
-- The fast path reads the comma as a point: that is the whole rule for the plain forms
-- (try_cast allows surrounding ASCII spaces) and no number for every other form, which
-- falls through to wb_num_grouped. COALESCE evaluates it only for the rows the fast path
-- left NULL (a few); its lambda names the spaceless text once (an expression written
-- twice is evaluated for every row, see wb_ts0).
CREATE OR REPLACE TEMP MACRO wb_num_grouped(t) AS list_transform(
    [regexp_replace(t, '[\s\p{Zs}]+', '', 'g')],
    lambda u: try_cast(CASE
        WHEN regexp_full_match(u, '[+-]?\d{1,3}((,\d{3}){2,}(\.\d*)?|(,\d{3})+\.\d*)')
            THEN replace(u, ',', '')
        WHEN regexp_full_match(u, '[+-]?\d{1,3}((\.\d{3}){2,}(,\d*)?|(\.\d{3})+,\d*)')
            THEN translate(u, ',.', '.')
        ELSE replace(u, ',', '.')
    END AS DOUBLE))[1];
CREATE OR REPLACE TEMP MACRO wb_num(s) AS
    coalesce(try_cast(replace(s, ',', '.') AS DOUBLE), wb_num_grouped(s));
-- A coordinate in degrees as a map application or GPS shows it, with the degree sign:
-- degrees, minutes and seconds ("50°52'47.3\"N", "4° 39′ 18,2″ O"), degrees and minutes
-- ("50°52.788'N") or degrees alone ("50.8798° N"), with the hemisphere before or after
-- (N/NB, Z/ZB/S, O/OL/E, W/WL). South and west are negative. NULL for anything else (also
-- minutes or seconds of 60 or more); only text with a degree sign reaches the pattern.
CREATE OR REPLACE TEMP MACRO wb_degrees_parts(s) AS regexp_extract(s,
    '(?i)^\s*(NB|ZB|OL|WL|N|Z|S|E|O|W)?\s*(\d{1,3}(?:[.,]\d+)?)\s*[°º]\s*(?:(\d{1,2}(?:[.,]\d+)?)\s*(?:''|′|’)\s*(?:(\d{1,2}(?:[.,]\d+)?)\s*(?:"|″|”|'''')\s*)?)?(NB|ZB|OL|WL|N|Z|S|E|O|W)?\s*$',
    ['h1', 'd', 'm', 's', 'h2']);
CREATE OR REPLACE TEMP MACRO wb_degrees(s) AS CASE WHEN contains(s, '°') OR contains(s, 'º') THEN
    list_transform([wb_degrees_parts(s)], lambda p: CASE
        WHEN p.d <> '' AND NOT (p.h1 <> '' AND p.h2 <> '')
             AND coalesce(wb_num(nullif(p.m, '')), 0) < 60 AND coalesce(wb_num(nullif(p.s, '')), 0) < 60
        THEN (wb_num(p.d) + coalesce(wb_num(nullif(p.m, '')), 0) / 60
              + coalesce(wb_num(nullif(p.s, '')), 0) / 3600)
             * CASE WHEN upper(p.h1 || p.h2) IN ('S', 'Z', 'ZB', 'W', 'WL') THEN -1 ELSE 1 END
    END)[1] END;
-- Whether such a coordinate says it is a latitude (N, Z, S) or a longitude (O, E, W); NULL
-- when it names no hemisphere.
CREATE OR REPLACE TEMP MACRO wb_degrees_is_lat(s) AS list_transform([wb_degrees_parts(s)],
    lambda p: CASE WHEN upper(p.h1 || p.h2) IN ('N', 'NB', 'Z', 'ZB', 'S') THEN true
                   WHEN upper(p.h1 || p.h2) IN ('O', 'OL', 'E', 'W', 'WL') THEN false END)[1];
-- Two such coordinates in one field ("50°52'47.3\"N 4°39'18.2\"E", "N 50° 52.788' O 4°
-- 39.303'"): x the longitude, y the latitude, by their hemispheres, else by their range in
-- Belgium as for two numbers (wb_xy). Whether the hemisphere stands before the first
-- coordinate or after decides the pattern that cuts them apart.
CREATE OR REPLACE TEMP MACRO wb_xy_degrees(s) AS list_transform([CASE
        WHEN regexp_matches(s, '(?i)^\s*(NB|ZB|OL|WL|N|Z|S|E|O|W)\s*\d')
        THEN regexp_extract_all(s, '(?i)(?:NB|ZB|OL|WL|N|Z|S|E|O|W)?\s*\d{1,3}(?:[.,]\d+)?\s*[°º](?:\s*\d{1,2}(?:[.,]\d+)?\s*(?:''|′|’))?(?:\s*\d{1,2}(?:[.,]\d+)?\s*(?:"|″|”|''''))?')
        ELSE regexp_extract_all(s, '(?i)\d{1,3}(?:[.,]\d+)?\s*[°º](?:\s*\d{1,2}(?:[.,]\d+)?\s*(?:''|′|’))?(?:\s*\d{1,2}(?:[.,]\d+)?\s*(?:"|″|”|''''))?\s*(?:NB|ZB|OL|WL|N|Z|S|E|O|W)?')
    END], lambda t: CASE WHEN len(t) = 2 THEN list_transform(
        [{'a': wb_degrees(t[1]), 'b': wb_degrees(t[2]),
          'lat': coalesce(wb_degrees_is_lat(t[1]), NOT wb_degrees_is_lat(t[2]))}],
        lambda q: CASE
            WHEN q.lat OR (q.lat IS NULL AND q.a BETWEEN 49 AND 52 AND q.b BETWEEN 2 AND 7)
            THEN {'x': q.b, 'y': q.a} ELSE {'x': q.a, 'y': q.b} END)[1]
    END)[1];
-- A point in one field, as a GIS or a form exports it: WKT ("POINT (171452.8 176912.7)",
-- "SRID=31370;POINT(...)", "POINT Z (x y z)") or two numbers ("171452,8 176912,7",
-- "171452.8;176912.7", "(171452.8, 176912.7)"), each read by wb_num. Two numbers that read as
-- latitude and longitude in Belgium ("50.8791, 4.6552", the order a map app copies them) are
-- turned around, so x is the longitude (the locating step recognises degrees by their
-- range); two coordinates with degree signs are read by wb_xy_degrees. Both NULL when the
-- text is no point. The pattern sits outside the lambda (see wb_month_name_date); only
-- exports with such a column reach it.
CREATE OR REPLACE TEMP MACRO wb_xy(s) AS CASE
    WHEN contains(s, '°') OR contains(s, 'º') THEN wb_xy_degrees(s)
    WHEN s IS NOT NULL THEN list_transform(
    [regexp_extract(s,
        '^(?i)\s*(?:(?:srid=\d+\s*;\s*)?point\s*(?:zm|z|m)?\s*)?\(?\s*([+-]?\d+(?:[.,]\d+)?)(?:\s*[;,]\s*|\s+)([+-]?\d+(?:[.,]\d+)?)(?:\s+[+-]?\d+(?:[.,]\d+)?)?\s*\)?\s*$',
        ['a', 'b'])],
    lambda p: list_transform([{'a': wb_num(p.a), 'b': wb_num(p.b)}], lambda q: CASE
        WHEN q.a BETWEEN 49 AND 52 AND q.b BETWEEN 2 AND 7 THEN {'x': q.b, 'y': q.a}
        ELSE {'x': q.a, 'y': q.b} END)[1])[1] END;
-- A coordinate in metres as a spreadsheet formats whole metres with a Dutch thousands point
-- ("172.100" for 172100: Excel's #.##0): wb_num reads one group of three after a point as
-- decimals (172.1), which is no coordinate of Belgium in any system, so the build lost the
-- point without a word. Such a value (two or three digits, a point, three digits) is
-- metres when its decimal reading is no degree of Belgium's latitude (49-52): "50.876" stays
-- a latitude (a Lambert value of 49000-52000 written so is read as degrees: the south of the
-- country only). Every other form is wb_num's. The length and the point's place are tested
-- first, so a plain number pays two comparisons.
CREATE OR REPLACE TEMP MACRO wb_coord(s) AS CASE
    WHEN strlen(s) BETWEEN 6 AND 7 AND s[-4:-4] = '.' AND regexp_full_match(s, '\d{2,3}\.\d{3}')
        AND NOT (CAST(s AS DOUBLE) BETWEEN 49 AND 52) THEN CAST(replace(s, '.', '') AS DOUBLE)
    ELSE wb_num(s)
END;
-- X and Y of a record: from their own columns (a number, or degrees with the degree sign:
-- wb_degrees), else from a point in one column (wb_xy). COALESCE reaches the later forms
-- only for the rows the earlier left NULL.
CREATE OR REPLACE TEMP MACRO wb_x(x, xy) AS coalesce(wb_coord(x), wb_degrees(x), wb_xy(xy).x);
CREATE OR REPLACE TEMP MACRO wb_y(y, xy) AS coalesce(wb_coord(y), wb_degrees(y), wb_xy(xy).y);
-- A coordinate pair the locating step (etl/geo.py, Locator.locate) certainly places: in
-- Belgium's box as Lambert 72 (geo.BELGIUM_31370, bounds included, as the locator tests
-- it), or as WGS84 or Lambert 2008 inside the largest rectangle of that system that PROJ
-- converts into the box (2.44-6.43 E, 49.45-51.53 N; 510100-799900 x 515100-749900 m;
-- tests/etl/test_geo_and_mapping.py checks them against PROJ). 0 in either coordinate is
-- never usable. A record whose pair is none of these (a placeholder "1;1", "0;177000")
-- is geocoded by its address when it has one; where the pair is still usable (X and Y
-- swapped into the zone, a converted point at the edge of the box) an address the list
-- knows wins, else the locator places the pair as before. Cheap comparisons only: every
-- row with coordinates passes here.
CREATE OR REPLACE TEMP MACRO wb_pair_usable(x, y) AS
    (x BETWEEN 10000 AND 300000 AND y BETWEEN 15000 AND 250000)
    OR (x BETWEEN 2.44 AND 6.43 AND y BETWEEN 49.45 AND 51.53)
    OR (x BETWEEN 510100 AND 799900 AND y BETWEEN 515100 AND 749900);
-- geocode_method of a located record: how it got its place, NULL when it has none (the
-- contract). Staging says 'coördinaten' only for a pair wb_pair_usable; a record the
-- locator still placed by its own pair got it from its coordinates too, and a record left
-- unlocated has no method, so marts.geocode_unmatched lists it when it has an address.
-- ``method`` is wb_geocode_method and ``by_pair`` that type's 'coördinaten', which the caller
-- writes (the type is made after the macros): the result keeps the ENUM type, where text
-- in between cast every located record to text and back (0.03 CPU-s per million).
CREATE OR REPLACE TEMP MACRO wb_located_method(method, status, by_pair) AS CASE
    WHEN status = 'geen_locatie' THEN NULL ELSE coalesce(method, by_pair) END;
CREATE OR REPLACE TEMP MACRO wb_int(s) AS try_cast(round(wb_num(s)) AS BIGINT);
-- A count ("Gecontroleerde voertuigen", "Overtredingen", a population) or another whole
-- number (a victim's sequence number), never rounded: "1234", "1.234", "1 234" and
-- "1.234.567" (Dutch thousands points or spaces of any kind, in groups of three) are whole
-- numbers; a fraction ("2,5", "12.5", and so "1,234" too: a Dutch decimal comma) is none
-- (NULL; wb_count_reason says why). wb_int read "1.234" as 1.234 and rounded it to 1, and
-- "2,5" to 3. A number that is whole in any form wb_num reads ("5,0", "1.234,00",
-- "1,234,567") is that number. Not for coordinates or other measures: use wb_num.
CREATE OR REPLACE TEMP MACRO wb_count(s) AS CASE
    WHEN regexp_full_match(s, '[\s\p{Zs}]*[+-]?(?:\d+|\d{1,3}(?:[.\s\p{Zs}]\d{3})+)[\s\p{Zs}]*')
        THEN try_cast(regexp_replace(s, '[.\s\p{Zs}]', '', 'g') AS BIGINT)
    ELSE list_transform([wb_num(s)], lambda v: CASE WHEN v = trunc(v) THEN try_cast(v AS BIGINT) END)[1]
END;
-- Why a count field that is not empty is no count (wb_count NULL); ``label``: the field in
-- Dutch. Only asked for a refused row.
CREATE OR REPLACE TEMP MACRO wb_count_reason(label, s) AS label || CASE
    WHEN wb_num(s) IS NULL THEN ' is geen getal'
    ELSE ' is geen geheel getal (een aantal heeft geen decimalen; verwacht bv. 1234 of 1.234)'
END;
-- The class of an accident's or a victim's severity as the exports write it, in Dutch or
-- French, in any case: 'killed' ("Dodelijk", "Gedood", "Overleden binnen 30 dagen", "Tué",
-- "Décédé"), 'seriously_injured' ("Zwaargewond", "Zwaar gewond", "Ernstig gewond",
-- "Blessé grave"), 'lightly_injured' ("Lichtgewond", "Licht gewond", "Blessé léger"); NULL
-- for the others ("Ongedeerd", "Stoffelijke schade", unknown). Statbel's accident classes
-- read the same after their "met"/"avec" ("met doden", "met dodelijk gewonden", "met
-- zwaargewonden", "met lichtgewonden"; "avec blessés graves"). The marts of accidents and
-- victims both read it, so an accident's severity and its victims' agree.
-- Statbel's CD_CLASS_ACCIDENTS as a severity: 1 met doden, 2 met dodelijk gewonden (died
-- within 30 days), 3 met zwaargewonden, 4 met lichtgewonden (marts.accidents and the
-- accident's identity in staging).
CREATE OR REPLACE TEMP MACRO wb_statbel_code_class(code) AS CASE code
    WHEN 1 THEN 'killed' WHEN 2 THEN 'killed' WHEN 3 THEN 'seriously_injured' WHEN 4 THEN 'lightly_injured' END;
CREATE OR REPLACE TEMP MACRO wb_severity_class(s) AS list_transform(
    [regexp_replace(lower(strip_accents(trim(CAST(s AS VARCHAR)))), '^(met|avec)\s+', '')], lambda t: CASE
        -- Died after the 30 days of the road-death rule: seriously injured, as Statbel counts.
        WHEN regexp_matches(t, '(\bna|\bapres|>)\s*(de\s+|les\s+)?(meer dan\s*|plus de\s*)?30\s*(dagen|jours|d\b|j\b)')
            OR regexp_matches(t, '(meer dan|plus de)\s*30\s*(dagen|jours)')
            THEN 'seriously_injured'
        WHEN t LIKE 'dodelijk%' OR t LIKE 'gedood%' OR t LIKE 'overleden%' OR t LIKE 'dood%' OR t LIKE 'doden%'
            OR t LIKE 'tue%' OR t LIKE 'decede%' OR t LIKE 'mortel%' OR t LIKE 'blesses mortel%'
            OR t LIKE 'blesse mortel%' THEN 'killed'
        WHEN t LIKE 'zwaar%' OR t LIKE 'ernstig%' OR t LIKE 'blesse grave%' OR t LIKE 'blesse grièvement%'
            OR t LIKE 'blesses graves%' THEN 'seriously_injured'
        WHEN t LIKE 'licht%' OR t LIKE 'blesse leger%' OR t LIKE 'blesses legers%' THEN 'lightly_injured'
    END)[1];
CREATE OR REPLACE TEMP MACRO wb_reject(field_name, reason_text, value_text) AS
    struct_pack(field := field_name, reason := reason_text, value := CAST(value_text AS VARCHAR));
-- The reject of a key Excel spoilt (wb_key_spoilt); ``label``: the field in Dutch ("PV-nummer").
CREATE OR REPLACE TEMP MACRO wb_key_reject(field_name, label, k) AS wb_reject(field_name,
    label || CASE WHEN starts_with(k, '#')
        THEN ' bevat een Excel-foutwaarde (' || k || '), geen nummer'
        ELSE ' is door Excel afgerond tot wetenschappelijke notatie (' || k || '); exporteer de kolom als tekst'
    END, k);
-- The reject of a placeholder date (wb_placeholder_date); ``label``: the field in Dutch.
CREATE OR REPLACE TEMP MACRO wb_placeholder_reject(field_name, label, value_text) AS wb_reject(field_name,
    label || ' lijkt een plaatshouder, geen echte datum (bronsystemen en Excel schrijven bv. 01/01/1900, 30/12/1899, 31/12/9999, 00/00/0000 of Excels dag 0 waar de datum ontbreekt)',
    value_text);
-- Address keys for geocoding against the zone's address list (tolerant match): lower case,
-- no accents, common abbreviations written out, then only letters and digits.
-- "Brusselse Stwg." = "Brusselsesteenweg", "Kerkstr" = "Kerkstraat", "St.-Jansln" = "Sint-Janslaan";
-- "Dr. Goffinlaan" and "Dr Goffinlaan" = "Dokter Goffinlaan" (also "Burg."/"Burg " before a name).
CREATE OR REPLACE TEMP MACRO wb_street_key(s) AS regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        lower(strip_accents(trim(s))),
        -- "O.L.Vrouwstraat", "O.-L.-Vrouwstraat" (then "O.L.V.-straat", "OLV-straat").
        '(^|[\s\-])o\.?[\s\-]*l\.?[\s\-]*vrouw', '\1onze lieve vrouw', 'g'),
        '(^|[\s\-])o\.?[\s\-]*l\.?[\s\-]*v\.?([\s\-]|$)', '\1onze lieve vrouw\2', 'g'),
        '(^|[\s\-])st\.?([\s\-])', '\1sint\2', 'g'),
        'stwg(\.|\b)|stnwg(\.|\b)|steenwg(\.|\b)|stw\.', 'steenweg', 'g'),
        'str(\.|\b)', 'straat', 'g'),
        'ln(\.|\b)', 'laan', 'g'),
        'pl(\.|\b)', 'plein', 'g'),
        '(^|[\s\-])dr(\.|\s)', '\1dokter\2', 'g'),
        '(^|[\s\-])burg(\.|\s)', '\1burgemeester\2', 'g'),
        'lei\.', 'lei', 'g'),
    '[^a-z0-9]', '', 'g');
-- "12A", "12 bus 3", "012", "12-14" -> 12; no leading digits -> NULL.
CREATE OR REPLACE TEMP MACRO wb_house_key(s) AS try_cast(nullif(regexp_extract(trim(s), '^0*(\d+)', 1), '') AS INTEGER);
-- A house number as an address is grouped on (marts' address_number): "12b", "12 B", "12-b"
-- and "012B" are 12B; a box, however written ("12 bus 3", "12 BUS 03", "12/3", "12 bte 3",
-- "12 bt 3", "12 b. 3", "12 box 3"), is "12 bus 3", with the house's letter in capitals
-- ("12a/1": "12A bus 1"); the box must start with a digit ("12 bus" is no box). Any other
-- number keeps its text with single spaces ("12-14"), without leading zeros. Unlike
-- wb_house_key, "12A" and "12 bus 3" stay their own address. ("12/14" reads as a box: the
-- address register writes a range with a dash.)
CREATE OR REPLACE TEMP MACRO wb_house_address(s) AS regexp_replace(CASE
    WHEN regexp_full_match(trim(s), '\d+[\s\-.]*[A-Za-z]{1,2}') THEN regexp_replace(upper(trim(s)), '[\s\-.]', '', 'g')
    WHEN regexp_full_match(trim(s), '(?i)\d+\s*[a-z]?\s*(?:/|bus|bte|bt|boîte|boite|box|b\.?)\s*\d[0-9a-z.]*')
        THEN regexp_replace(upper(trim(s)),
            '^(\d+)\s*([A-Z]?)\s*(?:/|BUS|BTE|BT|BOÎTE|BOITE|BOX|B\.?)\s*0*(\d[0-9A-Z.]*)$', '\1\2 bus \3')
    ELSE regexp_replace(trim(s), '\s+', ' ', 'g') END, '^0+(\d)', '\1');
-- The box column of an address list (the register's "busnummer") as the box alone: "3";
-- a column that repeats the word wb_house_address reads ("bus 3", "Bte 3", "b. 3", "/3")
-- gives the same "3", the word alone no box (NULL).
CREATE OR REPLACE TEMP MACRO wb_box(s) AS nullif(regexp_replace(wb_text(s),
    '^(?i)(?:(?:bus|bte|boîte|boite|box|bt)(?:[\s.]+|$)|b\.\s*|/\s*)', ''), '');
-- The whole house number as one compares it: wb_house_address in capitals ("12b", "12 B",
-- "12-B" -> "12B"; "12/3", "12 bte 03", "12 bus 3" -> "12 BUS 3"; "012" -> "12"). Among
-- tolerant candidates the one with the record's whole number comes first: "Kerkstraat 12b"
-- is 12B, not 12, and "12/3" is the address list's box 3 of number 12 (its own column).
CREATE OR REPLACE TEMP MACRO wb_house_full(s) AS upper(wb_house_address(s));
-- The building of a house number, without its box: "30A bus 1", "30A/1" -> "30A"; "12 bus
-- 3" -> "12". A box on a lettered number belongs to that building: "30A bus 1" was left
-- unplaced between 30 and 30A, or placed at 12 when 12A lay beside it (an audit).
CREATE OR REPLACE TEMP MACRO wb_house_building(s) AS regexp_replace(wb_house_full(s), ' BUS .*$', '');
-- A street field that carries the house number ("Kerkstraat 12", "Kerkstraat 12A",
-- "Kerkstraat 12 bus 3", "Tervuursesteenweg 150-152", "Kerkstraat, nr. 12"), split into a
-- struct {street, house_number}; NULL when it does not end in one. The number is the last
-- part only: it starts with one to four digits and may carry a letter or two, a range or a
-- box ("-", "/", "bus", "bte", "b."); the street before it must end in a letter (or a
-- point), so "Steenweg op Leuven" or "Sint-Jansbergsesteenweg" are never cut, and "11
-- Novemberlaan 5" keeps its 11. The geocoding step (etl/build.py, _geocode) asks it only for
-- a record without a house number, once per distinct street, and not for a name the address
-- list knows as a street as written (a street named with a trailing number). A whole
-- address typed into the field, as a register kept by hand has it, loses its place after a
-- comma first ("Kerkstraat 12, 3020 Herent", "Kerkstraat 12, Herent", "Kerkstraat 12 bus 3,
-- B-3020"): the record's own postcode and municipality columns place it, else that place
-- (wb_street_place); a box after a comma ("Kerkstraat 12, bus 3") is part of the number.
CREATE OR REPLACE TEMP MACRO wb_street_number(s) AS list_transform(
    [regexp_extract(regexp_replace(trim(s), '\s*,\s*(?:[Bb]\s*-?\s*)?(?:\d{4}\b\s*)?[^\d,]*$', ''),
        '(?i)^(.*?[^\d\s,])[\s,]+(?:(?:nr|no|n°)\.?\s*)?(\d{1,4}(?:\s*[a-z]{1,2})?(?:\s*,?\s*(?:[-/]|bus|bte|b\.?)\s*[0-9a-z]+)?)$',
        ['street', 'house_number'])],
    lambda p: CASE WHEN p.house_number <> '' THEN p END)[1];
-- A place name as the zone's lists are compared with it: lower case, without accents, and
-- without a postcode before it ("3020 Herent", "B-3020 Herent") or a part in brackets after
-- it ("Winksele (Herent)"): a "Gemeente" or "Plaats" column written that way still names
-- its municipality. Used once per distinct label, never per row.
CREATE OR REPLACE TEMP MACRO wb_place_key(s) AS nullif(trim(regexp_replace(regexp_replace(
    lower(strip_accents(trim(s))), '^(b\s*-?\s*)?\d{4}\s+', ''), '\s*\(.*\)$', '')), '');
-- Postcodes as four digits ("B-3020", "3020 Herent" -> "3020").
CREATE OR REPLACE TEMP MACRO wb_postcode(s) AS nullif(regexp_extract(coalesce(s, ''), '(\d{4})', 1), '');
-- The place wb_street_number cuts off a street field ("Stationsstraat 20, Leuven",
-- "Kerkstraat 12, 3020 Herent", "Kerkstraat 12, B-3020"), as a struct {postcode, place}:
-- the postcode's four digits and the name after them (either NULL when not written). A
-- record without its own postcode or municipality is placed by it: "Stationsstraat 20,
-- Leuven" was matched to Kortenberg's Stationsstraat 20 (an audit).
CREATE OR REPLACE TEMP MACRO wb_street_place(s) AS list_transform(
    [regexp_extract(trim(s), ',\s*((?:[Bb]\s*-?\s*)?(?:\d{4}\b\s*)?[^\d,]*)$', 1)],
    lambda t: {'postcode': wb_postcode(t),
               'place': nullif(trim(regexp_replace(t, '^(?:[Bb]\s*-?\s*)?\d{4}\b\s*', '')), '')})[1];
-- The words of a place key: "veltem-beisem" -> [veltem, beisem].
CREATE OR REPLACE TEMP MACRO wb_tail_words(k) AS
    list_filter(string_split(regexp_replace(k, '[^a-z0-9]+', ' ', 'g'), ' '), w -> w <> '');
-- Words that say where in a building or which country, not which place: a street field's
-- tail holding one is a note ("achteringang", "Gelijkvloers", "Hoek Kerkstraat", "bus A").
CREATE OR REPLACE TEMP MACRO wb_note_words() AS ['achter', 'achteraan', 'achterbouw',
    'achteringang', 'achterkant', 'achterzijde', 'voor', 'vooraan', 'voorkant', 'voorzijde',
    'gelijkvloers', 'verdieping', 'verd', 'bus', 'bte', 'boite', 'box', 'hoek', 'links',
    'rechts', 'garage', 'kelder', 'zolder', 'ingang', 'app', 'appartement', 'studio',
    'winkel', 'magazijn', 'parking', 'oprit', 'tuin', 'binnenkoer', 'poort', 'belgie',
    'belgium', 'belgique', 'belgien', 'be', 'bel', 'b'];
-- Words that may stand beside a zone place's name without naming another place: "te
-- Herent", "Kortenberg centrum", "Herent (gemeente)".
CREATE OR REPLACE TEMP MACRO wb_place_filler_words() AS
    ['te', 'in', 'centrum', 'dorp', 'gemeente', 'deelgemeente', 'stad'];
-- The words of a written place that name it: without numbers or postcodes ("3020",
-- "B3020"), notes or a country (wb_note_words) and fillers (wb_place_filler_words):
-- "HERENT - 3020", "Herent, België", "te Herent" and "Herent bus 3" are [herent]. A zone
-- place written with a postcode beside it named another place and took no zone address,
-- in a record and in an address list (a review).
CREATE OR REPLACE TEMP MACRO wb_place_words(place) AS list_filter(wb_tail_words(wb_place_key(place)),
    w -> NOT regexp_full_match(w, 'b?\d+') AND NOT list_contains(wb_note_words(), w)
        AND NOT list_contains(wb_place_filler_words(), w));
-- The key of a place outside the zone, the same however it is written ("Leuven 3000",
-- "leuven", "3000 Leuven" -> "leuven"; "Kessel-Lo" -> "kessel lo"): records and address
-- lists compare on it.
CREATE OR REPLACE TEMP MACRO wb_other_place_key(place) AS
    nullif(array_to_string(wb_place_words(place), ' '), '');
-- The zone place a name written in a record stands for, among `known` (the zone's place
-- keys, int_municipality_lookup.name_key), also written otherwise or in part (the first
-- such place in order), on its words (wb_place_words):
-- - in part: its words among a place's ("Veltem", "Beisem", "Kwerps", "Erps Kwerps");
-- - with more words, each a zone place's ("Herent-Winksele"); not "Oud-Heverlee", a
--   municipality of its own beside a zone's Heverlee (a review).
-- NULL when it names none of them, or has no such words ("." named every place).
-- Read for the record's own municipality column as for a street field's tail: "Veltem" in
-- the column left the record unplaced where the same word after a comma placed it.
CREATE OR REPLACE TEMP MACRO wb_zone_place_key(place, known) AS CASE
    WHEN list_contains(known, wb_place_key(place)) THEN wb_place_key(place)
    WHEN len(wb_place_words(place)) = 0 THEN NULL
    -- Every word a zone place's: the name may hold a place and more.
    WHEN list_has_all(flatten(list_transform(known, k -> wb_tail_words(k))), wb_place_words(place))
        THEN list_sort(list_filter(known,
            q -> list_has_all(wb_tail_words(q), wb_place_words(place))
                OR list_has_all(wb_place_words(place), wb_tail_words(q))))[1]
    -- Else only written in part.
    ELSE list_sort(list_filter(known,
        q -> list_has_all(wb_tail_words(q), wb_place_words(place))))[1]
    END;
-- The place key a record's own municipality column gives: the zone place it names
-- (wb_zone_place_key), else another place (wb_other_place_key: it takes no zone address);
-- NULL, no place, for a name of signs, numbers, notes or a country only (".", "3020",
-- "B-3020", "België": the postcode column places a record, and such a value refused every
-- zone address of a list without municipalities; a review).
CREATE OR REPLACE TEMP MACRO wb_own_place_key(place, known) AS
    coalesce(wb_zone_place_key(place, known), wb_other_place_key(place));
-- The place key a street field's tail (wb_street_place) gives a record without its own
-- municipality, among `known` and `zone_postcodes` (the address list's; empty: not known):
-- - a zone place, also written otherwise or in part (wb_zone_place_key);
-- - NULL for a note ("achteringang", "Gelijkvloers", "Hoek Kerkstraat", "bus A") or a
--   country (wb_note_words), and for a zone postcode alone (the postcode places it);
-- - else another place, in any case ("Leuven", "leuven", "3000 Leuven", a postcode of
--   elsewhere): it takes no zone address.
-- A note read as a place blocked every candidate, and a place read as a note took the
-- zone's address (reviews).
CREATE OR REPLACE TEMP MACRO wb_tail_place_key(place, postcode, known, zone_postcodes) AS CASE
    WHEN wb_place_key(place) IS NULL THEN CASE
        WHEN postcode IS NOT NULL AND len(zone_postcodes) > 0
            AND NOT list_contains(zone_postcodes, postcode) THEN 'postcode ' || postcode END
    ELSE coalesce(wb_zone_place_key(place, known), CASE
        WHEN list_has_any(wb_tail_words(wb_place_key(place)), wb_note_words()) THEN NULL
        -- No words at all (".", "-"): no place.
        WHEN len(wb_place_words(place)) = 0 THEN NULL
        WHEN postcode IS NOT NULL AND list_contains(zone_postcodes, postcode) THEN NULL
        ELSE wb_other_place_key(place)
        END)
    END;
-- Duplicate keys within one file, for the staging models with a key: the last *usable*
-- row of a key counts. A row refused for a fault of its own keeps its reason and never
-- costs an earlier good row; earlier usable rows are refused as superseded, visibly.
-- wb_repeated_keys: the keys of a raw table that occur more than once in a file (usually
-- none; a cheap aggregate of the raw key). A model's `typed` left-joins them on
-- (key_file, repeated_key) and calls that key_repeats: only those rows are typed twice.
CREATE OR REPLACE TEMP MACRO wb_repeated_keys(raw_table, row_key) AS TABLE
select source_file as key_file, row_key as repeated_key
from query_table(raw_table)
group by all
having count(*) > 1;
-- wb_last_usable: a model's checked rows (its CTE `checked`, NOT MATERIALIZED, with rej =
-- wb_reject(...) or null, row_fault and key_repeats) with the reject columns filled in: the
-- row's own fault, else the superseded reason when a later usable row of the file has the
-- same key. The aggregate reads only rows with key_repeats: that filter reaches the join in
-- the model's `typed`, so an export without repeated keys types its rows once.
-- row_key: the key expression (a struct for a composite key); key_field, key_value and
-- superseded_reason: what the rejects table says of a superseded row.
CREATE OR REPLACE TEMP MACRO wb_last_usable(checked, row_key, key_field, key_value, superseded_reason) AS TABLE
select
    c.* exclude (rej, row_fault, key_repeats),
    coalesce(c.rej.reason, case when c.source_row < d.last_row then superseded_reason end) as reject_reason,
    coalesce(c.rej.field, case when c.source_row < d.last_row then key_field end) as reject_field,
    coalesce(c.rej.value, case when c.source_row < d.last_row then key_value end) as reject_value
from query_table(checked) c
left join (
    select source_file as last_file, row_key as last_key, max(source_row) filter (where rej is null) as last_row
    from query_table(checked)
    where key_repeats
    group by all
) d on d.last_file = c.source_file and d.last_key = row_key;
-- The zone municipality each municipality label of a staging table names (by
-- intermediate.int_municipality_lookup): keyed by the export's own labels (a few), so a
-- join compares label codes instead of lower-casing every row's text.
CREATE OR REPLACE TEMP MACRO wb_municipality_labels(staging_table) AS TABLE
select v.municipality, m.nis_code, m.municipality_name
from (select distinct municipality from query_table(staging_table)) v
-- A zone place written otherwise ("Veltem", "HERENT - 3020") names its municipality as the
-- geocoding reads it (wb_zone_place_key): such a record without coordinates counted for
-- none (a review).
join intermediate.int_municipality_lookup m on m.name_key = wb_zone_place_key(v.municipality,
    (select list(name_key) from intermediate.int_municipality_lookup where name_key is not null));
-- The labels of a staging table's municipality column that leave its records free to have
-- a swapped X/Y repaired: those naming a municipality or deelgemeente of the zone (as
-- int_municipality_lookup reads names), or every label in a zone configured without
-- municipalities (it cannot tell). Decided once per distinct label, so each row only
-- compares its label (an ENUM), never lower-cases its text.
CREATE OR REPLACE TEMP MACRO wb_swap_labels(staging_table) AS TABLE
select v from (select distinct municipality as v from query_table(staging_table))
where v is not null and (
    wb_place_key(v) in (
        select wb_place_key(name) from raw.zone_municipalities
        union select wb_place_key(name) from raw.zone_deelgemeenten)
    or not exists (select 1 from raw.zone_municipalities));
-- The same for a table that names the municipality by NIS code (Statbel's CD_NIS).
CREATE OR REPLACE TEMP MACRO wb_swap_codes(staging_table) AS TABLE
select v from (select distinct nis_code_reported as v from query_table(staging_table))
where v is not null and (
    v in (select nis_code from raw.zone_municipalities)
    or not exists (select 1 from raw.zone_municipalities));
-- May a record's X/Y be repaired when only the swapped point lies in the zone? Not when the
-- record names a place outside the zone: in a region where Lambert X and Y are about equal,
-- a neighbour's point swapped can land in the zone. A record that names no place may (of
-- the kinds located per record only in a file with X and Y swapped as a whole:
-- etl.build.swapped_files).
-- The located models ask it; the locating step (etl/build.py, _locate) asks the same places
-- (wb_swap_labels, wb_swap_codes) with the same column, once per table: a record joins the
-- pair located under its own permission.
CREATE OR REPLACE TEMP MACRO wb_may_swap(staging_table, label) AS
    label IS NULL OR label IN (select v from wb_swap_labels(staging_table));
CREATE OR REPLACE TEMP MACRO wb_may_swap_nis(staging_table, code) AS
    code IS NULL OR code IN (select v from wb_swap_codes(staging_table));
-- A record the locating step could not place takes its municipality from the export's
-- label (``fallback``): wb_located and wb_located_records.
CREATE OR REPLACE TEMP MACRO wb_unplaced_or(value, status, fallback) AS
    coalesce(value, case when coalesce(status, 'geen_locatie') = 'geen_locatie' then fallback end);
-- One kind's current records with their location columns, the body of the
-- intermediate.int_<kind>_located views of the kinds located per pair: the kind's located
-- coordinate pairs (intermediate.int_point_locations, only those of its staging table:
-- wb_kind_bit, defined by the locating step) and, for records without a usable pair, the
-- municipality the export names. Arguments: qualified names of the current view and the
-- staging table, and whether a record may have a swapped X/Y repaired (wb_may_swap or
-- wb_may_swap_nis over the record's columns, as the locating step asked it for that
-- table). A pair is located once per permission: a record joins the version located under
-- its own, so one record that may swap never moves another at the same point that may not.
CREATE OR REPLACE TEMP MACRO wb_located(current_view, staging_table, swap_allowed) AS TABLE
select
    c.* exclude (may_swap_),
    l.x, l.y, l.lon, l.lat,
    l.wijk_code, l.wijk_name, l.deelgemeente_code, l.deelgemeente_name,
    wb_unplaced_or(l.nis_code, l.location_status, m.nis_code) as nis_code,
    wb_unplaced_or(l.municipality_name, l.location_status, m.municipality_name) as municipality_name,
    l.h3_cell, l.h3_cell_coarse,
    coalesce(l.location_status, 'geen_locatie'::wb_location_status) as location_status,
    coalesce(l.location_note, case when not coalesce(isfinite(c.x_num) and isfinite(c.y_num), false) then 'geen (geldige) coördinaten'::wb_location_note end) as location_note
from (select *, swap_allowed as may_swap_ from query_table(current_view)) c
-- Only the pairs this kind uses: the hash table is built from them, not from every pair.
left join (
    select * from intermediate.int_point_locations where kinds & wb_kind_bit(staging_table) <> 0
) l on l.x_in = c.x_num and l.y_in = c.y_num and l.may_swap = c.may_swap_
left join wb_municipality_labels(staging_table) m on m.municipality = c.municipality;
-- Located rows (``relation``: a located slice of pairs, or a current view whose records
-- carry their location) with their area names: wijk, deelgemeente and municipality, the
-- deelgemeente and municipality falling back to the wijk's parents when those layers have
-- no polygons. Codes and names are the build's ENUMs; the three lookups are small tables.
-- Every other column passes through.
-- A record in a wijk lies in that wijk's municipality: the zone's own wijk layer and the
-- municipalities' layer differ by metres along the border, and a record 2 m over it had a
-- Herent wijk and the municipality Kortenberg (counted in Herent through its wijk, in
-- Kortenberg through its municipality). Its deelgemeente is the one its point lies in (a
-- wijk may straddle two), unless that one lies in another municipality than its wijk: then
-- the wijk's own.
CREATE OR REPLACE TEMP MACRO wb_area_names(relation) AS TABLE
with named as (
    select
        p.* exclude (deelgemeente_code, nis_code),
        w.name as wijk_name,
        case when own.nis_code is distinct from w.nis_code and w.nis_code is not null
            then w.deelgemeente_code
            else coalesce(p.deelgemeente_code, w.deelgemeente_code) end as deelgemeente_code,
        coalesce(w.nis_code, p.nis_code) as nis_known
    from query_table(relation) p
    left join staging.stg_zone__area_names w on w.layer = 'wijk' and w.code = p.wijk_code
    left join staging.stg_zone__area_names own on own.layer = 'deelgemeente' and own.code = p.deelgemeente_code
),
deel as (
    select n.* exclude (nis_known), dg.name as deelgemeente_name,
        coalesce(n.nis_known, dg.nis_code) as nis_code
    from named n
    left join staging.stg_zone__area_names dg on dg.layer = 'deelgemeente' and dg.code = n.deelgemeente_code
)
select n.*, g.name as municipality_name
from deel n
left join staging.stg_zone__area_names g on g.layer = 'gemeente' and g.code = n.nis_code;
-- The same as wb_located for the kinds located per record (etl.build.RECORD_LOCATED): their
-- current view already carries each record's location (intermediate.int_<kind>_locations,
-- by position); the areas are named here (wb_area_names), as a located pair is.
CREATE OR REPLACE TEMP MACRO wb_located_records(current_view, staging_table) AS TABLE
select
    n.* exclude (nis_code, municipality_name, location_status, location_note),
    wb_unplaced_or(n.nis_code, n.location_status, m.nis_code) as nis_code,
    wb_unplaced_or(n.municipality_name, n.location_status, m.municipality_name) as municipality_name,
    coalesce(n.location_status, 'geen_locatie'::wb_location_status) as location_status,
    coalesce(n.location_note, case when not coalesce(isfinite(n.x_num) and isfinite(n.y_num), false) then 'geen (geldige) coördinaten'::wb_location_note end) as location_note
from wb_area_names(current_view) n
left join wb_municipality_labels(staging_table) m on m.municipality = n.municipality;
-- A file name that sorts with its numbers as numbers ("feiten_10.csv" after "feiten_9.csv"),
-- as etl.sources.base.natural_key orders the files: each run of digits padded to 20.
CREATE OR REPLACE TEMP MACRO wb_natural(s) AS array_to_string(list_transform(
    regexp_extract_all(s, '\d+|\D+'),
    lambda part: CASE WHEN regexp_full_match(part, '\d{1,20}') THEN lpad(part, 20, '0') ELSE part END), '');
-- A file name without its extension (etl.sources.base.file_stem): files are ordered by it
-- first, so "Feiten_export (1).csv", a browser's second download, comes after
-- "Feiten_export.csv" (as whole names " (" sorts before ".csv").
CREATE OR REPLACE TEMP MACRO wb_stem(s) AS regexp_replace(s, '\.[A-Za-z0-9]{1,5}$', '');
-- A list of codes for a sentence: the first ten, and how many more ("W01, W02 en 3 andere").
CREATE OR REPLACE TEMP MACRO wb_code_list(codes) AS
    array_to_string(list_slice(codes, 1, 10), ', ')
    || CASE WHEN len(codes) > 10 THEN ' en ' || (len(codes) - 10) || ' andere' ELSE '' END;
-- A count in Belgian notation for a sentence ("10.560").
CREATE OR REPLACE TEMP MACRO wb_count_text(n) AS replace(format('{:,}', n), ',', '.');
-- "12 van de 400 feiten (3,0 %)": a part of a count, in Dutch notation (build warnings).
CREATE OR REPLACE TEMP MACRO wb_share_text(part, n, what) AS wb_count_text(part) || ' van de '
    || wb_count_text(n) || ' ' || what || ' (' || replace(printf('%.1f', 100.0 * part / n), '.', ',') || ' %)';
-- Days a source's last record may lie before the data's newest day while the source still
-- runs to that day: with n records over `days` days, k quiet days at the end happen by
-- chance with probability exp(-k·n/days); the slack is the largest k for which that is at
-- least 1 %, at most 31 (0 for a few records a day or more). The same rule as the
-- dashboard's dashboard.analysis.compstat.edge_slack (tests/unit/test_edge_slack_sql.py).
CREATE OR REPLACE TEMP MACRO wb_edge_slack(n, days) AS CASE
    WHEN n IS NULL OR days IS NULL OR n <= 0 OR days <= 0 THEN 0
    ELSE least(31, CAST(floor(ln(100) * days / n) AS INTEGER))
END;
