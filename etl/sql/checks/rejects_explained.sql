-- Every refused row says where it came from and why.
select kind, source_file, source_row, field, reason
from marts.rejects
where reason is null or source_file is null or source_row is null
