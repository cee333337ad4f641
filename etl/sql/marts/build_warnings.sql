-- How the inputs fit together: nothing here is refused, but a coordinator should know it
-- before trusting the pages (the Data page shows these; the build log prints them).
-- Seen with a zone's real wijk polygons (codes 24038W01 ...) beside a configuration that
-- still named W01 ... W10: the workload pages silently showed wijken without inspector,
-- and tasks that belonged to no drawn wijk.
with drawn as (
    select distinct code from raw.districts where layer = 'wijk' and code is not null
),
configured as (
    select code from raw.zone_wijken where code is not null
),
-- Municipality (NIS) codes the boundary layers give that no [[municipalities]] entry of
-- zone.toml has (a typo: 44091 for 44901): their areas then belonged to a municipality
-- without name or population, and the reports per municipality missed them.
nis_not_configured as (
    select list(distinct nis order by nis) as codes
    from (
        select coalesce(nis_code, case when layer = 'gemeente' then code end) as nis
        from raw.districts
        where layer in ('gemeente', 'deelgemeente', 'wijk')
    )
    where nis is not null and nis not in (select nis_code from raw.zone_municipalities)
),
-- Codes on one side only: configured but not drawn, and drawn but not configured.
unmatched as (
    select
        list(code order by code) filter (where d.code is null) as not_drawn,
        list(code order by code) filter (where c.code is null) as not_configured
    from configured c
    full join drawn d using (code)
),
task_wijken as (
    select list(code order by code) as codes, coalesce(sum(n), 0) as n from (
        select cast(wijk_code as varchar) as code, count(*) as n
        from marts.tasks
        where wijk_code is not null and cast(wijk_code as varchar) not in (select code from drawn)
        group by 1
    )
),
-- Task rows whose wijk label is no wijk of the zone ("W99", "Wijk 1"): their wijk comes
-- from the address when it locates, else the label stays (and counts under Wijktaken above).
unknown_task_rows as (
    select s.source_file, s.source_row, cast(s.wijk_code_reported as varchar) as code
    from staging.stg_islp__tasks s
    where s.reject_reason is null and s.wijk_code_reported is not null
      and s.wijk_code_reported not in (select label from intermediate.int_task_wijk_labels)
),
unknown_task_wijken as (
    -- The few rows on the right: the join's hash table is built from them (none, usually,
    -- and then the tasks mart is not even read).
    select list(distinct u.code order by u.code) as codes, count(*) as n,
        count(*) filter (where t.wijk_code_located is not null) as n_located
    from marts.tasks t
    join unknown_task_rows u on u.source_file = t.source_file and u.source_row = t.source_row
),
-- Task wijk labels read by the wijk's name or number ("Wijk 1" as W01,
-- intermediate.int_task_wijk_labels): right almost always, but said, so a zone whose
-- inspectors number their wijken otherwise sees it.
read_task_wijken as (
    select list('"' || cast(k.label as varchar) || '" als ' || cast(k.wijk_code as varchar)
            order by cast(k.label as varchar)) as readings,
        -- The rows that count (the newest export's version of a task), as below.
        (select count(*) from marts.tasks t
         join staging.stg_islp__tasks s on s.source_file = t.source_file and s.source_row = t.source_row
         where s.wijk_code_reported in (
             select label from intermediate.int_task_wijk_labels where how <> 'code')) as n
    from intermediate.int_task_wijk_labels k
    where k.how <> 'code'
),
-- Each located mart grouped once, per file, label and location: the zone-wide shares
-- (outside) and the per-file ones (foreign_files) both read these few groups. Per file:
-- its records outside the zone or naming a municipality outside it ("Leuven"); most of a
-- file so, and it is usually another zone's export put in by mistake. Its records count in
-- the zone's totals (a record outside the zone is kept and flagged), so the file is named.
-- Grouped on the marts' own labels first, the few groups then read as text.
file_places as (
    select 1 as k, 'feiten' as what, cast(source_file as varchar) as source_file,
        cast(municipality_reported as varchar) as label, location_status, bad_xy, n
    from (select source_file, municipality_reported, location_status,
              location_note = 'coördinaten buiten België' as bad_xy,
              count(*) as n from marts.incidents group by all)
    union all
    select 2, 'overlastmeldingen', cast(source_file as varchar), cast(municipality_reported as varchar), location_status, bad_xy, n
    from (select source_file, municipality_reported, location_status,
              location_note = 'coördinaten buiten België' as bad_xy,
              count(*) as n from marts.nuisance group by all)
    union all
    select 3, 'verkeersongevallen', cast(source_file as varchar), cast(municipality_reported as varchar), location_status, bad_xy, n
    from (select source_file, municipality_reported, location_status,
              location_note = 'coördinaten buiten België' as bad_xy,
              count(*) as n from marts.accidents where source = 'zone' group by all)
),
outside as (
    -- n_gap: in the zone but in no wijk (location_status 'geen_wijk').
    select k, what, coalesce(sum(n) filter (where location_status = 'buiten_zone'), 0) as n_out,
        coalesce(sum(n) filter (where location_status = 'geen_wijk'), 0) as n_gap, sum(n) as n
    from file_places
    group by k, what
),
foreign_files as (
    select what, source_file, sum(n) as n,
        coalesce(sum(n) filter (where location_status = 'buiten_zone' or foreign_label), 0) as n_foreign,
        list(distinct label order by label) filter (where foreign_label) as places,
        coalesce(sum(n) filter (where bad_xy), 0) as n_bad_xy
    from (
        select p.*, p.label is not null and m.nis_code is null as foreign_label
        from file_places p
        left join intermediate.int_municipality_lookup m on m.name_key = wb_zone_place_key(p.label,
            (select list(name_key) from intermediate.int_municipality_lookup where name_key is not null))
    )
    group by what, source_file
),
-- A file most of whose rows are refused (a comma separator splitting every decimal-comma
-- coordinate, a shifted column) still builds: said per file, with its most common reason.
-- Earlier rows of a key whose later row counts are no loss and do not count here.
refused_files as (
    select source_file, count(*) as n, mode(reason) as reason
    from marts.rejects
    where record_file is null
    group by source_file
),
mostly_refused as (
    select f.source_file, f.rows_read, r.n, r.reason
    from refused_files r
    join marts.load_files f on f.source_file = r.source_file
    where r.n >= 10 and r.n > 0.2 * f.rows_read
),
-- A file that writes its dates month first (made with American settings: "2/13/2024"):
-- the days after the 12th are refused as no date, and every day up to the 12th was read
-- with day and month swapped (3 February as 2 March), without a word. Named per file.
us_dates as (
    select source_file, count(*) as n, min(value) as example
    from marts.rejects
    where regexp_full_match(trim(value), '(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/\d{4}(\s.*)?')
    group by source_file
    having count(*) >= 2
),
-- A file without a column for its kind's label (an incidents export whose "Categorie" is
-- named otherwise, "Soort feit" before it was known): its records count under no category,
-- which no page tells apart from a category left empty. Named, with the remedy.
unlabelled_files as (
    select f.source_file, f.rows_accepted as n, l.label_name, l.what
    from marts.load_files f
    join (values ('incidents', 'category', 'categorie', 'feiten'),
                 ('nuisance', 'nuisance_type', 'type overlast', 'meldingen'),
                 ('accidents', 'severity', 'ernst', 'ongevallen')) l(kind, field, label_name, what)
      on l.kind = f.kind
    where f.rows_accepted > 0
      and not exists (select 1 from raw.file_columns c
                      where c.source_file = f.source_file and c.field = l.field)
),
-- A file without both coordinate columns (an export whose "L72 X feiten" is named otherwise,
-- or only its X found): its records can only be placed by their address, or not at all,
-- and no page said why. Named, with the headers found and the remedy.
unplaced_files as (
    select f.source_file, f.rows_accepted as n, l.what,
        max(c.header) filter (where c.field = 'x') as x_header,
        max(c.header) filter (where c.field = 'y') as y_header,
        count(*) filter (where c.field = 'street') > 0 as has_street
    from marts.load_files f
    join (values ('incidents', 'feiten'), ('nuisance', 'meldingen'), ('accidents', 'ongevallen')) l(kind, what)
      on l.kind = f.kind
    left join raw.file_columns c on c.source_file = f.source_file
    where f.rows_accepted > 0
    group by all
    having count(*) filter (where c.field = 'xy') = 0
       and (count(*) filter (where c.field = 'x') = 0 or count(*) filter (where c.field = 'y') = 0)
),
-- Categories (nuisance types) the zone configuration does not list, when it lists any
-- ([categories] in zone.toml): ISLP renaming "Diefstal uit/aan voertuig" made a new
-- category appear and the listed one stop, without a word. Compared without case or
-- surrounding spaces; grouped on the marts' own labels first.
unlisted_labels as (
    select l.what, l.list_name, list(l.label || ' (' || wb_count_text(l.n) || ')' order by l.n desc, l.label)[1:8] as labels,
        count(*) as n_labels
    from (
        select 'feiten' as what, 'incidents' as list_name, cast(category as varchar) as label, n
        from (select category, count(*) as n from marts.incidents where category is not null group by all)
        union all
        select 'overlastmeldingen', 'nuisance', cast(nuisance_type as varchar), n
        from (select nuisance_type, count(*) as n from marts.nuisance where nuisance_type is not null group by all)
    ) l
    where exists (select 1 from raw.zone_lists z where z.list_name = l.list_name)
      and lower(trim(l.label)) not in (
          select lower(trim(z.value)) from raw.zone_lists z where z.list_name = l.list_name)
    group by l.what, l.list_name
),
-- A GeoPackage (or a zip of Shapefiles) with two layers of the same areas, an old and a
-- new version: the later layer counts, which the analyst neither sees nor chose.
layer_conflicts as (
    select string_agg(source_file || ': de lagen ''' || earlier || ''' en ''' || counted
        || ''' tekenen dezelfde ' || case layer when 'wijk' then 'wijken' when 'deelgemeente'
        then 'deelgemeenten' when 'gemeente' then 'gemeenten' when 'sector' then 'sectoren'
        else 'zone' end || ' (' || wb_code_list(codes) || '); ''' || counted || ''' telt',
        '; ' order by source_file, counted) as conflicts, count(*) as n
    from raw.layer_conflicts
),
-- Codes of an older sector list that the newest list of their municipality no longer has
-- (stg_statbel__sectors refuses them): said once, per older list, with the list that counts.
old_sectors as (
    select source_file, newer_list, count(*) as n, list(sector_code order by sector_code) as codes
    from staging.stg_statbel__sectors
    where newer_list is not null
    group by all
),
old_sector_lists as (
    select sum(n) as n,
        string_agg(source_file || ': ' || wb_count_text(n) || ' (' || wb_code_list(codes)
            || '), vervangen door ' || newer_list, '; ' order by source_file, newer_list) as lists
    from old_sectors
),
-- Names on the absence list that are no wijkinspecteur of the zone configuration, also
-- not when written otherwise (int_staff_spelling): their absences count for nobody's index.
-- Other staff on the list is normal; a typo in a name is not.
unknown_absentees as (
    select count(distinct inspector) as n, list(distinct inspector order by inspector) as names
    from marts.absences
    where inspector not in (select inspector from raw.zone_wijken where inspector is not null)
),
-- Names in the task exports that are no wijkinspecteur of the zone configuration, also not
-- when written otherwise (int_staff_spelling): their tasks count for a stand-in without
-- workload index. Normal for a colleague standing in; a typo splits one person's load.
unknown_task_staff as (
    select count(*) as n, list(name order by n_tasks desc, name) as names
    from (
        select cast(inspector as varchar) as name, n_tasks
        from (select inspector, count(*) as n_tasks from marts.tasks where inspector is not null group by inspector)
        where cast(inspector as varchar) not in (select inspector from raw.zone_wijken where inspector is not null)
    )
),
ignored as (
    select count(*) as n,
        string_agg(source_file || ': ' || reason, '; ' order by source_file) as files
    from raw.ignored_files
),
-- Tasks without a deadline: the export gives none and their type has no deadline_days in
-- zone.toml (an unknown or missing type). Such a task is never "over termijn" (Werklast).
untimed_tasks as (
    select list(distinct coalesce(cast(task_type as varchar), '(geen type)')
               order by coalesce(cast(task_type as varchar), '(geen type)')) as types,
        count(*) as n
    from marts.tasks t
    where due_at is null
        -- Not the tasks whose export says "no deadline" (Termijn 31/12/9999).
        and not exists (
            select 1 from staging.stg_islp__tasks s
            where s.no_deadline and s.source_file = t.source_file and s.source_row = t.source_row
        )
),
-- Task statuses in neither vocabulary (etl.config FINISHED_TASK_STATUSES and
-- OPEN_TASK_STATUSES): such a task counts as open, which is wrong when the status says
-- the work is done in words Wijkbeeld does not know.
unknown_statuses as (
    -- Counted per label (an ENUM), then judged: never a text per task row.
    select list(label order by n desc, label) as labels, sum(n) as n
    from (
        select cast(status as varchar) as label, n
        from (select status, count(*) as n from marts.tasks where status is not null group by status)
        where not wb_task_finished(status) and not wb_task_open_status(status)
    )
),
-- Wijken drawn over each other (etl.build.wijk_overlaps): a record in the shared part
-- counts for the first of the two only.
overlap_pairs as (
    select list(o.code || ' en ' || o.other_code || ' (' || replace(printf('%.1f', o.shared_m2 / 10000), '.', ',')
        || ' ha, ' || cast(round(100 * o.share) as integer) || ' % van de kleinste)'
        order by o.code, o.other_code) as pairs, count(*) as n
    from raw.wijk_overlaps o
),
-- Victims whose accident number is in no accidents export (a victims list of a longer
-- period than the accidents', or a typo in the number): kept in marts.victims without a
-- place, but in no accident's count, no map and no report of injuries.
orphan_victims as (
    select count(*) as n, count(distinct v.accident_id) as n_accidents,
        list(distinct v.accident_id order by v.accident_id) as accidents
    from marts.victims v
    where v.accident_id not in (select accident_id from marts.accidents where source = 'zone')
),
-- Registers whose files number apart (intermediate.int_repeated_numbers): the same number
-- in two files names two records, both counted; the numbers so kept got a bracket.
numbered_apart as (
    select kind, count(distinct id) as n, min(new_id) as example,
        list(distinct regexp_replace(source_file, '^.*/', '') order by regexp_replace(source_file, '^.*/', '')) as files
    from intermediate.int_repeated_numbers
    where new_id is not null
    group by kind
),
-- Accidents whose victim list names a victim worse than the export's severity: the
-- accident gets its worst victim's (marts.accidents), which the export did not say.
raised_severity as (
    select count(*) as n, list(accident_id order by accident_id) as accidents
    from marts.accidents
    where severity_raised
),
-- Records dated years before the rest of their source (marts.coverage): kept and counted,
-- but the pages start after them. Named with their file and row, the earliest first; a
-- date typo (1924 for 2024) is the usual cause. Read only for the domains that have any.
set_apart as (
    select c.domain, c.n_set_apart as n, c.first,
        list(cast(d.source_file as varchar) || ' rij ' || d.source_row || ' (' || strftime(d.date, '%d/%m/%Y') || ')'
             order by d.date, d.source_file, d.source_row)[1:5] as examples
    from marts.coverage c
    join (
        select 'incidents' as domain, date, source_file, source_row from marts.incidents
        where date < (select first from marts.coverage where domain = 'incidents' and n_set_apart > 0)
        union all
        select 'nuisance', date, source_file, source_row from marts.nuisance
        where date < (select first from marts.coverage where domain = 'nuisance' and n_set_apart > 0)
        union all
        select 'accidents', date, source_file, source_row from marts.accidents
        where date < (select first from marts.coverage where domain = 'accidents' and n_set_apart > 0)
        union all
        select 'tasks', date, source_file, source_row from marts.tasks
        where date < (select first from marts.coverage where domain = 'tasks' and n_set_apart > 0)
    ) d on d.domain = c.domain
    where c.n_set_apart > 0
    group by all
),
warnings as (
    -- Files nobody reads are said first: their rows are in no table at all.
    select -1 as seq, 'Niet gelezen' as topic,
        wb_count_text(n) || ' ' || case when n = 1 then 'bestand of map' else 'bestanden of mappen' end
        || ' onder de exportmap niet gelezen: ' || files || '.' as message
    from ignored
    where n > 0
    union all
    select 0 as seq, 'Wijkgrenzen' as topic,
        'Geen wijkgrenzen gevonden (districts/): geen enkel record krijgt een wijk.' as message
    where (select count(*) from drawn) = 0
    union all
    select 1, 'Wijkgrenzen',
        'De zoneconfiguratie (' || wb_zone_file() || ') noemt ' || len(not_drawn) || ' wijk(en) die geen '
        || 'grenzenbestand tekent: ' || wb_code_list(not_drawn) || '. Ze krijgen geen records en '
        || 'staan op geen kaart; vergelijk de wijkcodes in zone.toml met die in districts/.'
    from unmatched
    where len(not_drawn) > 0 and (select count(*) from drawn) > 0
    union all
    select 2, 'Wijkgrenzen',
        'De wijkgrenzen tekenen ' || len(not_configured) || ' wijk(en) die de zoneconfiguratie niet '
        || 'noemt: ' || wb_code_list(not_configured) || '. Ze hebben geen wijkinspecteur en geen '
        || 'inwonersaantal, dus geen werklastindex en geen cijfers per 1.000 inwoners.'
    from unmatched
    where len(not_configured) > 0 and (select count(*) from configured) > 0
    union all
    select 2, 'Wijkgrenzen',
        'De grenzenbestanden noemen ' || case when len(codes) = 1 then 'een NIS-code die geen gemeente'
            else len(codes) || ' NIS-codes die geen gemeenten' end
        || ' van de zoneconfiguratie (' || wb_zone_file() || ', [[municipalities]]) ' || case when len(codes) = 1 then 'is' else 'zijn' end
        || ': ' || wb_code_list(codes) || '. Die gebieden horen bij een gemeente zonder naam of '
        || 'inwonertal en ontbreken in de cijfers en verslagen per gemeente; vergelijk de '
        || 'NIS-codes in zone.toml met die in districts/ (een tikfout?).'
    from nis_not_configured
    where len(codes) > 0 and (select count(*) from raw.zone_municipalities) > 0
    union all
    select 2, 'Wijkgrenzen',
        case when n = 1 then 'Twee wijken overlappen' else wb_count_text(n) || ' paren wijken overlappen' end
        || ': ' || wb_code_list(pairs) || '. Een record in het gedeelde stuk telt enkel voor '
        || 'de eerste wijk in codevolgorde, de andere mist het. Verbeter de wijkgrenzen in districts/.'
    from overlap_pairs
    where n > 0
    union all
    -- Wijken (deelgemeenten) of one name: told apart by their code on every page.
    select 2, 'Wijkgrenzen',
        case when layer = 'wijk' then 'De wijken ' else 'De deelgemeenten ' end
        || array_to_string(codes, ', ') || case when len(codes) = 2 then ' heten beide ''' else ' heten alle ''' end
        || shared_name || ''': ze staan als '
        || array_to_string(list_transform(codes, c -> '''' || shared_name || ' (' || c || ')'''), ', ')
        || ' op de pagina''s en in de rapporten. Twee indelingen naast elkaar (een oude en een '
        || 'nieuwe)? Laat dan alleen de juiste in districts/; anders: geef ze in de '
        || 'zoneconfiguratie (' || wb_zone_file() || ') elk een eigen naam.'
    from (
        select cast(layer as varchar) as layer, shared_name,
            list(cast(code as varchar) order by cast(code as varchar)) as codes
        from staging.stg_zone__area_names
        where shared_name is not null
        group by all
    )
    union all
    select 3, 'Wijktaken',
        wb_count_text(n) || ' wijktaken noemen een wijk die geen grenzenbestand tekent ('
        || wb_code_list(codes) || '): ze staan niet op de kaart per wijk.'
    from task_wijken
    where n > 0 and (select count(*) from drawn) > 0
    union all
    select 7, 'Wijktaken',
        wb_count_text(n) || ' wijktaken noemen een wijkcode die geen wijk van de zone is ('
        || wb_code_list(codes) || '): '
        || case
            when n_located = n then 'ze krijgen de wijk van hun adres'
            when n_located = 0 then 'zonder gelokaliseerd adres houden ze de code zoals geschreven'
            else wb_count_text(n_located) || ' daarvan krijgen de wijk van hun adres, de andere '
                || 'houden de code zoals geschreven'
        end
        || '. Vergelijk de wijkcodes van de export met die in zone.toml.'
    from unknown_task_wijken
    where n > 0 and (select count(*) from drawn) > 0
    union all
    select 7, 'Wijktaken',
        wb_count_text(n) || ' ' || case when n = 1 then 'wijktaak noemt' else 'wijktaken noemen' end
        || ' hun wijk met naam of nummer in plaats van de wijkcode; gelezen: ' || wb_code_list(readings)
        || '. Klopt een lezing niet, verbeter dan de wijk in de export of de wijkcodes in zone.toml.'
    from read_task_wijken
    where n > 0
    union all
    select 8, 'Sectoren',
        wb_count_text(n) || ' ' || case when n = 1 then 'sectorcode' else 'sectorcodes' end
        || ' uit een oudere sectorlijst ' || case when n = 1 then 'staat' else 'staan' end
        || ' niet in de nieuwste lijst van hun gemeente en ' || case when n = 1 then 'telt' else 'tellen' end
        || ' niet mee (geweigerd): ' || lists || '. De lijst die in naamvolgorde als laatste '
        || 'komt, telt als de nieuwste, ook voor de codes die beide lijsten hebben; haal een '
        || 'verouderde lijst uit sectors/ of geef de nieuwste de latere naam (bv. met het jaar).'
    from old_sector_lists
    where n > 0
    union all
    select 10, 'Wijktaken',
        wb_count_text(n) || ' ' || case when n = 1 then 'wijktaak heeft' else 'wijktaken hebben' end
        || ' geen termijn: de export geeft er geen en hun type staat zonder termijn in de '
        || 'zoneconfiguratie (' || wb_code_list(types) || '). Ze tellen nooit als over termijn; '
        || 'voeg het type toe onder [[task_types]] in zone.toml, met deadline_days.'
    from untimed_tasks
    where n > 0
    union all
    select 10, 'Wijktaken',
        wb_count_text(n) || ' ' || case when n = 1 then 'wijktaak heeft een status' else 'wijktaken hebben een status' end
        || ' die Wijkbeeld niet als afgewerkt of open kent (' || wb_code_list(labels) || '): '
        || case when n = 1 then 'ze telt' else 'ze tellen' end || ' als open, en na hun termijn als '
        || 'over termijn. Zegt zo''n status dat het werk gedaan is, meld het woord dan aan wie '
        || 'Wijkbeeld beheert (de lijst FINISHED_TASK_STATUSES in etl/config.py).'
    from unknown_statuses
    where n > 0
    union all
    select 9, 'Wijktaken',
        'De wijktaken noemen ' || wb_count_text(n) || ' ' || case when n = 1 then 'naam die geen wijkinspecteur is'
            else 'namen die geen wijkinspecteur zijn' end
        || ' in de zoneconfiguratie (' || wb_zone_file() || '): ' || wb_code_list(names) || '. Hun taken '
        || 'staan op Werklast als vervanger, zonder werklastindex. Een tikfout in een naam? Verbeter '
        || 'ze in zone.toml (hoofdletters, accenten, spaties, graad en woordvolgorde tellen niet).'
    from unknown_task_staff
    where n > 0 and (select count(*) from raw.zone_wijken where inspector is not null) > 0
    union all
    select 9, 'Afwezigheden',
        wb_count_text(n) || ' ' || case when n = 1 then 'naam' else 'namen' end
        || ' op de lijst van afwezigheden ' || case when n = 1 then 'is' else 'zijn' end
        || ' geen wijkinspecteur in de zoneconfiguratie (' || wb_zone_file() || '): ' || wb_code_list(names)
        || '. Die afwezigheden tellen niet in de werklastindex. Een tikfout in een naam? Verbeter '
        || 'ze in de lijst of in zone.toml (hoofdletters, accenten en spaties tellen niet).'
    from unknown_absentees
    where n > 0 and (select count(*) from raw.zone_wijken where inspector is not null) > 0
    union all
    select 12, case kind when 'nuisance' then 'Overlast' when 'events' then 'Evenementen' else 'Verkeerscontroles' end,
        wb_code_list(files) || ' nummeren elk apart: ' || wb_count_text(n) || ' '
        || case when n = 1 then 'nummer staat' else 'nummers staan' end || ' in meer dan één '
        || 'bestand voor ' || case kind when 'nuisance' then 'verschillende meldingen'
            when 'events' then 'verschillende evenementen' else 'verschillende controles' end
        || ' (een week of meer uit elkaar, of een andere gemeente). Ze tellen allemaal; zo''n nummer krijgt de gemeente of '
        || 'het bestand erbij, bv. ''' || example || '''. Is het ene bestand toch een nieuwere versie van het '
        || 'andere, dan tellen die records dubbel: haal dan het oudere bestand weg.'
    from numbered_apart
    union all
    select 11, 'Slachtoffers',
        wb_count_text(n) || ' ' || case when n = 1 then 'ongeval krijgt de ernst van zijn'
            else 'ongevallen krijgen de ernst van hun' end
        || ' ergste slachtoffer, want de lijst van slachtoffers noemt een '
        || 'zwaarder letsel dan de ongevallenexport (' || wb_code_list(accidents) || '): bv. een '
        || 'slachtoffer dat binnen 30 dagen overleed bij een ongeval dat als licht geregistreerd was.'
    from raised_severity
    where n > 0
    union all
    select 11, 'Slachtoffers',
        wb_count_text(n) || ' ' || case when n = 1 then 'slachtoffer hoort' else 'slachtoffers horen' end
        || ' bij een ongevalnummer dat in geen ongevallenexport staat ('
        || case when n_accidents = 1 then '' else wb_count_text(n_accidents) || ' ongevallen: ' end
        || wb_code_list(accidents) || '). Ze staan in de lijst van slachtoffers, maar tellen in '
        || 'geen ongeval, geen kaart en geen verslag van letsel. Ontbreekt de ongevallenexport van '
        || 'die periode, of is het nummer verkeerd getypt?'
    from orphan_victims
    where n > 0
    union all
    -- A few records outside the zone are normal (an accident on the border road); a large
    -- share (over 2 %, and at least 10 records) points at coordinates in another system or
    -- a zone outline that is off.
    select 3 + k, 'Buiten de zone',
        wb_share_text(n_out, n, what) || ' liggen buiten de zonegrens: controleer het '
        || 'coördinatenstelsel van die exports en de zonegrens (districts/).'
    from outside
    where n_out >= 10 and n_out > 0.02 * n
    union all
    select 3, 'Buiten de zone',
        source_file || ': ' || wb_share_text(n_foreign, n, what) || ' liggen buiten de zone of '
        || 'noemen een gemeente buiten de zone' || coalesce(' (' || nullif(array_to_string(places[1:5], ', '), '') || ')', '')
        || '. Is dit de export van een andere zone? Ze tellen mee in de totalen van de zone; '
        || 'hoort het bestand er niet bij, zet het dan in quarantaine (Data).'
    from foreign_files
    where n_foreign >= 10 and n_foreign > 0.5 * n
    union all
    -- Coordinates that lie nowhere in Belgium in most of a file: shifted columns (a comma
    -- separator beside unquoted decimal commas the reader did not recognise as such; those
    -- it does, it refuses row by row) or another coordinate system; the records are kept,
    -- without a location.
    select 3, 'Buiten de zone',
        source_file || ': ' || wb_share_text(n_bad_xy, n, what) || ' hebben coördinaten buiten '
        || 'België en kregen geen plaats. Staan X en Y in de juiste kolommen en in een '
        || 'stelsel dat Wijkbeeld kent? Een komma als scheidingsteken naast decimale komma''s '
        || 'zonder aanhalingstekens verschuift de kolommen.'
    from foreign_files
    where n_bad_xy >= 10 and n_bad_xy > 0.5 * n
    union all
    select 3, 'Kolommen',
        source_file || ' heeft geen kolom die Wijkbeeld als ' || label_name || ' leest: '
        || case when n = 1 then 'het aanvaarde record heeft' else 'de ' || wb_count_text(n) || ' aanvaarde '
        || what || ' hebben' end || ' geen ' || label_name || '. Heet die kolom er anders, voeg '
        || 'de naam dan toe aan de kolomnamen van de zone (mappings.toml, zie docs/DATA_CONTRACT.md).'
    from unlabelled_files
    union all
    select 3, 'Kolommen',
        source_file || ' heeft ' || case
            when x_header is not null then 'een kolom voor X ("' || x_header || '") maar geen voor Y'
            when y_header is not null then 'een kolom voor Y ("' || y_header || '") maar geen voor X'
            else 'geen kolommen die Wijkbeeld als coördinaten (X en Y) leest' end
        || ': ' || case when n = 1 then 'het aanvaarde record krijgt zijn plaats '
            || case when has_street then 'enkel via zijn adres (de adreslijst van de zone), of geen' else 'nergens' end
            else 'de ' || wb_count_text(n) || ' aanvaarde ' || what || ' krijgen hun plaats '
            || case when has_street then 'enkel via hun adres (de adreslijst van de zone), of geen' else 'nergens' end end
        || '. Heten die kolommen er anders, voeg de namen dan toe aan de kolomnamen van de zone '
        || '(mappings.toml, zie docs/DATA_CONTRACT.md).'
    from unplaced_files
    union all
    select 14, 'Categorieën',
        'De ' || what || ' noemen ' || wb_count_text(n_labels) || ' '
        || case when list_name = 'incidents' then 'categorie' else 'type' end
        || case when n_labels = 1 then '' when list_name = 'incidents' then 'ën' else 's' end
        || ' die de zoneconfiguratie (' || wb_zone_file() || ', [categories].' || list_name || ') niet noemt: '
        || array_to_string(labels, ', ') || case when n_labels > 8 then ', …' else '' end
        || '. Een hernoemde categorie telt als een nieuwe: vul de lijst aan, of zie of de export '
        || 'ze anders schrijft.'
    from unlisted_labels
    union all
    select 13, 'Geweigerd',
        source_file || ': ' || wb_share_text(n, rows_read, 'rijen') || ' geweigerd, meestal: "'
        || reason || '". Controleer het scheidingsteken en de kolommen van dit bestand; de '
        || 'geweigerde rijen staan op de Datapagina.'
    from mostly_refused
    union all
    select 13, 'Datums',
        wb_count_text(n) || ' ' || case when n = 1 then singular || ' ligt' else plural || ' liggen' end
        || ' meer dan een half jaar vóór de andere ' || plural || ': ' || array_to_string(examples, ', ')
        || case when n > 5 then ', …' else '' end
        || '. Een tikfout in het jaar? ' || case when n = 1 then 'Het telt' else 'Ze tellen' end
        || ' mee op ' || case when n = 1 then 'zijn' else 'hun' end || ' eigen dag, maar de pagina''s '
        || 'beginnen pas op ' || strftime(first, '%d/%m/%Y') || ' en tellen de maanden ervoor als '
        || 'onbekend, niet als 0. Verbeter de datum in de export.'
    from set_apart
    join (values ('incidents', 'feit', 'feiten'), ('nuisance', 'overlastmelding', 'overlastmeldingen'),
                 ('accidents', 'verkeersongeval', 'verkeersongevallen'), ('tasks', 'wijktaak', 'wijktaken'))
        w(domain, singular, plural) using (domain)
    union all
    -- Whole months without a record inside a busy source's span (marts.coverage): an
    -- export left out reads as months without facts, on every page and in the reports.
    select 13, 'Datums',
        case c.domain when 'incidents' then 'Feiten' when 'nuisance' then 'Overlastmeldingen'
            when 'accidents' then 'Verkeersongevallen'
            when 'accidents_statbel' then 'Letselongevallen van Statbel'
            when 'controls' then 'Verkeerscontroles' else 'Wijktaken' end
        || ': ' || case
            when len(c.empty_months) = 1 then 'geen enkel record met datum in '
                || strftime(c.empty_months[1], '%m/%Y')
            -- Consecutive months as a run, others listed (two months a year apart read
            -- "tussen 06/2024 en 09/2025" as if all fifteen were missing).
            when (year(c.empty_months[-1]) * 12 + month(c.empty_months[-1]))
                - (year(c.empty_months[1]) * 12 + month(c.empty_months[1])) = len(c.empty_months) - 1
                then len(c.empty_months) || ' maanden zonder enig record, van '
                || strftime(c.empty_months[1], '%m/%Y') || ' tot en met ' || strftime(c.empty_months[-1], '%m/%Y')
            else len(c.empty_months) || ' maanden zonder enig record: '
                || array_to_string(list_transform(list_slice(c.empty_months, 1, len(c.empty_months) - 1),
                    m -> strftime(m, '%m/%Y')), ', ')
                || ' en ' || strftime(c.empty_months[-1], '%m/%Y')
            end
        || ', terwijl de bron er gewoonlijk tien of meer per maand heeft. Ontbreekt er een export? '
        || case when len(c.empty_months) = 1 then 'Die maand telt' else 'Die maanden tellen' end
        || ' als 0: '
        || case when c.domain = 'accidents_statbel'
            then 'de pagina Verkeer (bron Statbel) laat een periode die '
                || case when len(c.empty_months) = 1 then 'ze' else 'er een' end
                || ' bevat buiten beschouwing en zegt het.'
            when c.domain = 'controls'
            then 'de handhaving bij de gevaarlijke punten (Verkeer) telt er geen controle-uren '
                || 'en zegt het; Verkenning toont ' || case when len(c.empty_months) = 1
                    then 'die maand' else 'die maanden' end || ' als – (onbekend).'
            else 'de vergelijkingen (Briefing, Verkeer, Bronnen, voor en na een aanpak, het '
                || 'rapport aan de burgemeesters) laten een periode die '
                || case when len(c.empty_months) = 1 then 'ze' else 'er een' end
                || ' bevat buiten beschouwing, en de periodefilter van elke pagina waarschuwt.'
            end
    from marts.coverage c
    where len(c.empty_months) > 0
    union all
    select 13, 'Geweigerd',
        source_file || ': ' || wb_count_text(n) || ' datums staan er als maand/dag/jaar (bv. "'
        || example || '", Amerikaanse instellingen) en zijn geweigerd; de datums tot de 12de van '
        || 'de maand zijn dan met dag en maand omgewisseld gelezen (3 februari als 2 maart). '
        || 'Exporteer opnieuw met datums als dd/mm/jjjj.'
    from us_dates
    union all
    -- Records in the zone that no wijk holds: a gap between wijken, or wijk boundaries
    -- off (another coordinate system, X and Y swapped) while the zone outline is right.
    select 2, 'Wijkgrenzen',
        wb_share_text(n_gap, n, what) || ' liggen in de zone maar in geen enkele wijk: ze '
        || 'tellen voor geen wijk. Dekken de wijkgrenzen (districts/) de hele zone, en staan '
        || 'ze in het juiste coördinatenstelsel (X en Y niet omgewisseld)?'
    from outside
    where n_gap >= 10 and n_gap > 0.02 * n and (select count(*) from drawn) > 0
    union all
    select 2, 'Wijkgrenzen',
        conflicts || '. Zulke lagen zijn meestal een oude en een nieuwe versie: laat alleen '
        || 'de juiste in het bestand, of zet elke laag in een eigen bestand.'
    from layer_conflicts
    where n > 0
)
select cast(seq as integer) as seq, topic, message from warnings
order by seq, message
