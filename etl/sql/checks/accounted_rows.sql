-- No row vanishes silently: every row read is accepted or refused (per file).
select kind, source_file, rows_read, rows_accepted, rows_rejected
from marts.load_files
where rows_accepted + rows_rejected <> rows_read or rows_accepted < 0
