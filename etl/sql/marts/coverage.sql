-- Per domain of marts.daily_counts, the days its records cover: the pages' periods, their
-- "known since" and a source's days per year start from `first`, not from the earliest
-- record. A record dated years before the rest of its source (a typo: 03/02/1924 for
-- 03/02/2024) made every page start in 1924 and every month up to the real first export
-- count 0 instead of unknown: 2023's months then stood "opvallend" against a zero year.
-- Such records stay in their marts and counts, and the build warnings name them.
--
-- The rule: the records before a stretch of at least six months without any record of the
-- domain are set apart when they are few (at most 1 % of the domain's records, or at most
-- five records and a tenth of them); a real older export is no such few, and keeps
-- covering its months.
--
-- Statbel's accidents (domain 'accidents_statbel') are judged for empty months as well: they
-- have no day, so each month stands on its first day. A year's file left out read as a year
-- without injury accidents on the Verkeer page. Their first and last day mean nothing more
-- than their months; the pages read the gaps and the first month (Verkenning's start), and
-- `dashboard.queries.common.domain_coverage` keeps to the four counted domains.
--
-- So are the traffic controls (domain 'controls', on the day they started): a month's
-- export left out read as a month without one control on the Verkeer page ("geen
-- verkeerscontroles ... geregistreerd", and fewer control hours near the black spots).
with days as (
    select domain, date, sum(n) as n
    from marts.daily_counts
    where date is not null
    group by all
    union all
    select 'accidents_statbel', make_date(year, month, 1), count(*)
    from marts.accidents
    where source = 'statbel' and year is not null and month is not null
    group by all
    union all
    select 'controls', date, count(*)
    from marts.controls
    where date is not null
    group by all
),
months as (
    select domain, date_trunc('month', date) as month, sum(n) as n
    from days
    group by all
),
runs as (
    select
        domain, month, n,
        lag(month) over w as previous_month,
        coalesce(sum(n) over (w rows between unbounded preceding and 1 preceding), 0) as n_before,
        sum(n) over (partition by domain) as n_all
    from months
    window w as (partition by domain order by month)
),
-- The latest month after such a stretch whose earlier records are few.
starts as (
    select domain, max(month) as start
    from runs
    where previous_month is not null
      and month >= previous_month + interval 7 month
      and (n_before <= 0.01 * n_all or (n_before <= 5 and 10 * n_before <= n_all))
    group by domain
),
spans as (
    select
        d.domain,
        min(d.date) filter (where s.start is null or d.date >= s.start) as first,
        max(d.date) as last,
        sum(d.n) filter (where s.start is null or d.date >= s.start) as n,
        min(d.date) as first_record,
        coalesce(sum(d.n) filter (where d.date < s.start), 0) as n_set_apart
    from days d
    left join starts s on s.domain = d.domain
    group by d.domain
),
-- Whole months without one record inside the span of a source that counts at least ten a
-- month (median of its months with records; below, the calendar month's own bar is five:
-- by chance a zero then happens about once in 150 such months, once in 20,000 at ten), so
-- an export is missing (a year's accident file left out read as a year
-- without accidents). The first and last month, which the data may cover in part, are not
-- judged. A season is no missing export: a run of empty months counts when one of its
-- calendar months has records in another year, or when it is at most two months long and
-- no other year's same month is empty too (a register kept from April to September left
-- every winter month flagged; one closed every July and August, every summer). And a quiet
-- calendar month is no missing export either: a run counts only when one of its months
-- averages five or more records in the other years' whole months inside the span (the
-- traffic controls, planned and fewer in August: three in the Augusts before, none this
-- year, was flagged). The span's first and last month, which the data cover in part, and
-- records set apart before it (a typo in the year) are no such months: a first March of
-- two records hid the March of a later year whose export was missing.
typical as (
    select m.domain, median(m.n) as per_month
    from months m join spans p on p.domain = m.domain
    where m.month >= date_trunc('month', p.first)
    group by m.domain
),
gaps as (
    select p.domain, g.month::date as month
    from spans p
    join typical t on t.domain = p.domain and t.per_month >= 10
    cross join lateral generate_series(
        date_trunc('month', p.first) + interval 1 month,
        date_trunc('month', p.last) - interval 1 month,
        interval 1 month
    ) g(month)
    left join months m on m.domain = p.domain and m.month = g.month
    where m.month is null
),
-- Each empty month: whether its calendar month has records in another year, and whether
-- another year's same month inside the span is empty too (a season).
judged as (
    select g.domain, g.month,
        exists (
            select 1 from months m
            where m.domain = g.domain and month(m.month) = month(g.month)
              and year(m.month) <> year(g.month) and m.n > 0
        ) as seen_other_year,
        exists (
            select 1 from gaps o
            where o.domain = g.domain and month(o.month) = month(g.month)
              and year(o.month) <> year(g.month)
        ) as empty_other_year,
        -- What the month holds in the other years, else in a typical month.
        coalesce((
            select avg(m.n) from months m
            where m.domain = g.domain and month(m.month) = month(g.month)
              and year(m.month) <> year(g.month)
              -- A first or last month the data cover in part is no such month.
              and (m.month > date_trunc('month', p.first) or p.first = date_trunc('month', p.first))
              and (m.month < date_trunc('month', p.last) or p.last = last_day(p.last))
        ), t.per_month) as expected
    from gaps g
    join typical t on t.domain = g.domain
    join spans p on p.domain = g.domain
),
-- Runs of consecutive empty months (gaps-and-islands), judged whole: one missing export
-- is one run (October to December without a record, where only November and December had
-- records in another year, left October a known 0).
runs_of_gaps as (
    select domain, month,
        count(*) over r as run_months,
        bool_or(seen_other_year) over r as run_seen,
        bool_or(empty_other_year) over r as run_seasonal,
        max(expected) over r as run_expected
    from (
        select *,
            (year(month) * 12 + month(month)) - row_number() over (partition by domain order by month) as run
        from judged
    )
    window r as (partition by domain, run)
),
empty as (
    select domain, list(month order by month) as empty_months
    from runs_of_gaps
    where (run_seen or (run_months <= 2 and not run_seasonal)) and run_expected >= 5
    group by domain
)
select p.*, coalesce(e.empty_months, []::date[]) as empty_months
from spans p
left join empty e on e.domain = p.domain
order by p.domain
