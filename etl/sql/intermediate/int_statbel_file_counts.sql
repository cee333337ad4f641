-- Statbel accidents that count, per file: the newest edition's version of each accident
-- (int_statbel_current), the national file's other municipalities included. marts.load_files
-- sets them against a file's accepted rows: the rest a newer edition holds (superseded).
-- A table of one row per file, so that what reads it (load_files, and the check on it) is
-- not taken for a scan of every Statbel record when the build orders its jobs.
select source_file::varchar as source_file, count(*) as n
from intermediate.int_statbel_current
group by 1
