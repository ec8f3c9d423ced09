-- Issue 7 baseline (SQLite): the same plain GROUP BYs as baseline_pg.sql (read its header), in
-- SQLite's dialect, run by the sqlite3 shell. Extra placeholders: {FROM_I}/{TO_I} month indices
-- (year × 12 + month − 1); {FROM_TS}/{END_TS} the range's bounds as UTC RFC 3339 text, the form
-- the store writes timestamps in (so a text comparison is a time comparison); months of
-- timestamps are taken in China Standard Time ('+8 hours'), as the store's stats queries do.

-- name: unemployed_end
WITH RECURSIVE mi(i) AS (SELECT {FROM_I} UNION ALL SELECT i + 1 FROM mi WHERE i < {TO_I}),
m AS (SELECT printf('%04d-%02d', i / 12, i % 12 + 1) AS month, printf('%04d-%02d-01', (i + 1) / 12, (i + 1) % 12 + 1) AS next FROM mi)
SELECT r.township_code, m.month, count(*)
FROM m JOIN registrations r ON r.registered_on < m.next AND (r.closed_on IS NULL OR r.closed_on >= m.next)
WHERE 1 {T:r}
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: followup
WITH RECURSIVE mi(i) AS (SELECT {FROM_I} UNION ALL SELECT i + 1 FROM mi WHERE i < {TO_I}),
m AS (SELECT printf('%04d-%02d', i / 12, i % 12 + 1) AS month, printf('%04d-%02d-01', i / 12, i % 12 + 1) AS first,
             printf('%04d-%02d-01', (i + 1) / 12, (i + 1) % 12 + 1) AS next FROM mi)
SELECT m.month, count(*)
FROM m JOIN registrations r ON r.registered_on < m.next AND (r.closed_on IS NULL OR r.closed_on >= m.first)
WHERE 1 {T:r}
GROUP BY 1 ORDER BY 1;
SELECT substr(c.contact_on, 1, 7), count(DISTINCT c.registration_id)
FROM contacts c JOIN registrations r ON r.id = c.registration_id
WHERE c.contact_on >= '{FROM_D}' AND c.contact_on < '{END_D}' {T:r}
GROUP BY 1 ORDER BY 1;

-- name: flows
SELECT substr(registered_on, 1, 7), count(*) FROM registrations r
WHERE registered_on >= '{FROM_D}' AND registered_on < '{END_D}' {T:r} GROUP BY 1 ORDER BY 1;
SELECT substr(closed_on, 1, 7), count(*) FROM registrations r
WHERE closed_on >= '{FROM_D}' AND closed_on < '{END_D}' AND close_reason IN ('employed', 'entrepreneurship') {T:r}
GROUP BY 1 ORDER BY 1;
SELECT strftime('%Y-%m', published_at, '+8 hours'), sum(posts) FROM vacancies v
WHERE published_at >= '{FROM_TS}' AND published_at < '{END_TS}' {T:v}
GROUP BY 1 ORDER BY 1;

-- name: key_groups
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
SELECT substr(occupation_code, 1, 1), sum(posts - filled) FROM vacancies v WHERE status = 'published' {T:v}
GROUP BY 1 ORDER BY 1;
WITH g(major) AS (VALUES ('1'), ('2'), ('3'), ('4'), ('5'), ('6'), ('7'), ('8'))
SELECT g.major, count(*) FROM job_seekers s JOIN g ON (',' || s.occupation_codes) LIKE '%,' || g.major || '-%'
WHERE s.active {T:s}
GROUP BY 1 ORDER BY 1;

-- name: monitoring
SELECT e.township_code, r.period, count(*), sum(r.headcount_end), sum(r.insured), sum(r.new_hires),
       sum(r.separations), sum(r.layoffs)
FROM monthly_reports r JOIN enterprises e ON e.id = r.enterprise_id
WHERE r.period >= '{FROM}' AND r.period <= '{TO}' {T:e}
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: alerts
SELECT a.period, a.level, count(*) FROM alerts a JOIN enterprises e ON e.id = a.enterprise_id
WHERE a.period >= '{FROM}' AND a.period <= '{TO}' {T:e}
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: subsidies
SELECT strftime('%Y-%m', l.created_at, '+8 hours'), l.program, sum(l.amount_fen)
FROM ledger_entries l
WHERE l.created_at >= '{FROM_TS}' AND l.created_at < '{END_TS}' {T:l}
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT strftime('%Y-%m', p.at, '+8 hours'), l.program, sum(l.amount_fen)
FROM payment_results p JOIN ledger_entries l ON l.id = p.entry_id
WHERE p.outcome = 'paid' AND p.at >= '{FROM_TS}' AND p.at < '{END_TS}' {T:l}
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: reports_24m
SELECT e.township_code, r.period, count(*), sum(r.headcount_end), sum(r.insured), sum(r.new_hires),
       sum(r.separations), sum(r.layoffs)
FROM monthly_reports r JOIN enterprises e ON e.id = r.enterprise_id
WHERE 1 {T:e}
GROUP BY 1, 2 ORDER BY 1, 2;
