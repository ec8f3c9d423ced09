-- Issue 7 baseline (PostgreSQL): the plain GROUP BYs a naive dashboard would run over the raw tables
-- on every page view, for the same figures /dashboard shows for months {FROM}..{TO} (12 months) in
-- the district or one township. run.sh splits this file at the "-- name:" lines, replaces the
-- placeholders ({FROM_D}/{TO_D}: first day of the first/last month, {END_D}: first day after the
-- range, {T:x}: "" for the district or "AND x.township_code = '…'" for one township) and times each
-- query and the whole page ("total": every query but reports_24m) with hyperfine via psql.
-- Month boundaries of timestamps are China Standard Time, as in the store's stats queries.

-- name: unemployed_end
-- Registered unemployed at each month's end, by township (chart 1, headline).
SELECT r.township_code, to_char(m, 'YYYY-MM') AS month, count(*)
FROM generate_series(date '{FROM_D}', date '{TO_D}', interval '1 month') m
JOIN registrations r ON r.registered_on < m + interval '1 month'
                   AND (r.closed_on IS NULL OR r.closed_on >= m + interval '1 month')
WHERE TRUE {T:r}
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: followup
-- Follow-up coverage: registered at some time in the month, and contacted in the month (chart 2).
SELECT to_char(m, 'YYYY-MM') AS month, count(*)
FROM generate_series(date '{FROM_D}', date '{TO_D}', interval '1 month') m
JOIN registrations r ON r.registered_on < m + interval '1 month' AND (r.closed_on IS NULL OR r.closed_on >= m)
WHERE TRUE {T:r}
GROUP BY 1 ORDER BY 1;
SELECT to_char(c.contact_on, 'YYYY-MM') AS month, count(DISTINCT c.registration_id)
FROM contacts c JOIN registrations r ON r.id = c.registration_id
WHERE c.contact_on >= date '{FROM_D}' AND c.contact_on < date '{END_D}' {T:r}
GROUP BY 1 ORDER BY 1;

-- name: flows
-- New registrations, re-employment (closed as employed / entrepreneurship), posts published, per month (chart 3).
SELECT to_char(registered_on, 'YYYY-MM'), count(*) FROM registrations r
WHERE registered_on >= date '{FROM_D}' AND registered_on < date '{END_D}' {T:r} GROUP BY 1 ORDER BY 1;
SELECT to_char(closed_on, 'YYYY-MM'), count(*) FROM registrations r
WHERE closed_on >= date '{FROM_D}' AND closed_on < date '{END_D}' AND close_reason IN ('employed', 'entrepreneurship') {T:r}
GROUP BY 1 ORDER BY 1;
SELECT to_char(published_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), sum(posts) FROM vacancies v
WHERE published_at >= timestamptz '{FROM_D} 00:00+08' AND published_at < timestamptz '{END_D} 00:00+08' {T:v}
GROUP BY 1 ORDER BY 1;

-- name: key_groups
-- Key groups now, by township, from persons.tags (chart 4).
SELECT township_code,
       count(*) FILTER (WHERE tags LIKE '%,graduate,%') AS graduate,
       count(*) FILTER (WHERE tags LIKE '%,unemployed_graduate,%') AS unemployed_graduate,
       count(*) FILTER (WHERE tags LIKE '%,migrant_worker,%') AS migrant_worker,
       count(*) FILTER (WHERE tags LIKE '%,returning_migrant,%') AS returning_migrant,
       count(*) FILTER (WHERE tags LIKE '%,school_leaver,%') AS school_leaver,
       count(*) FILTER (WHERE tags LIKE '%,veteran,%') AS veteran,
       count(*) FILTER (WHERE tags LIKE '%,unemployed,%') AS unemployed,
       count(*) FILTER (WHERE tags LIKE '%,employment_difficult,%') AS employment_difficult,
       count(*) FILTER (WHERE tags LIKE '%,disabled,%') AS disabled,
       count(*) FILTER (WHERE tags LIKE '%,poor_household,%') AS poor_household,
       count(*) FILTER (WHERE tags LIKE '%,minimum_living,%') AS minimum_living
FROM persons p WHERE tags <> '' {T:p}
GROUP BY 1 ORDER BY 1;

-- name: supply
-- Open posts of published vacancies and active job seekers, by occupation major group (chart 5).
SELECT substr(occupation_code, 1, 1), sum(posts - filled) FROM vacancies v WHERE status = 'published' {T:v}
GROUP BY 1 ORDER BY 1;
WITH g(major) AS (VALUES ('1'), ('2'), ('3'), ('4'), ('5'), ('6'), ('7'), ('8'))
SELECT g.major, count(*) FROM job_seekers s JOIN g ON (',' || s.occupation_codes) LIKE '%,' || g.major || '-%'
WHERE s.active {T:s}
GROUP BY 1 ORDER BY 1;

-- name: monitoring
-- Monthly reports summed by township and month over the range (chart 6, headline).
SELECT e.township_code, r.period, count(*), sum(r.headcount_end), sum(r.insured), sum(r.new_hires),
       sum(r.separations), sum(r.layoffs)
FROM monthly_reports r JOIN enterprises e ON e.id = r.enterprise_id
WHERE r.period >= '{FROM}' AND r.period <= '{TO}' {T:e}
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: alerts
-- Alerts by month and level (chart 7, headline).
SELECT a.period, a.level, count(*) FROM alerts a JOIN enterprises e ON e.id = a.enterprise_id
WHERE a.period >= '{FROM}' AND a.period <= '{TO}' {T:e}
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: subsidies
-- Ledger (grants less cancellations) and bank-confirmed payments by month and program (chart 8, headline).
SELECT to_char(l.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), l.program, sum(l.amount_fen)
FROM ledger_entries l
WHERE l.created_at >= timestamptz '{FROM_D} 00:00+08' AND l.created_at < timestamptz '{END_D} 00:00+08' {T:l}
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT to_char(p.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), l.program, sum(l.amount_fen)
FROM payment_results p JOIN ledger_entries l ON l.id = p.entry_id
WHERE p.outcome = 'paid' AND p.at >= timestamptz '{FROM_D} 00:00+08' AND p.at < timestamptz '{END_D} 00:00+08' {T:l}
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: reports_24m
-- Not part of the page (it shows 12 months): the monthly reports of all 24 months, by township and month.
SELECT e.township_code, r.period, count(*), sum(r.headcount_end), sum(r.insured), sum(r.new_hires),
       sum(r.separations), sum(r.layoffs)
FROM monthly_reports r JOIN enterprises e ON e.id = r.enterprise_id
WHERE TRUE {T:e}
GROUP BY 1, 2 ORDER BY 1, 2;
