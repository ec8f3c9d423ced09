-- Issue 7 bench data for PostgreSQL (bench/dashboard/run.sh): the raw rows the dashboard figures
-- are grouped from, generated with generate_series into a database `jiuye migrate` created.
-- psql -v persons=N -v enterprises=E -f gen_pg.sql. Only the columns the stats queries read have
-- realistic distributions; the other NOT NULL columns get filler (unique ones unique).
-- Sizes derived from :persons: registrations N/10 (40 % closed), contacts monthly over the last
-- 12 months of each spell (80 % of months), vacancies N/25, job seekers N/20, grants N/10 (2 %
-- cancelled, 90 % in a bank batch, 97 % of those paid); enterprises × 24 monthly reports
-- (2024-11 … 2026-10), alerts on ~1 % of reports.
\set ON_ERROR_STOP on
\timing on
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';
SELECT setseed(0.2026);

CREATE TEMP TABLE tw (i int PRIMARY KEY, code text NOT NULL);
INSERT INTO tw VALUES (0,'130527100'),(1,'130527101'),(2,'130527102'),(3,'130527200'),(4,'130527201'),
                      (5,'130527202'),(6,'130527203'),(7,'130527204'),(8,'130527400');
CREATE TEMP TABLE occ (i int PRIMARY KEY, code text NOT NULL);
INSERT INTO occ SELECT row_number() OVER () - 1, c FROM unnest(ARRAY['1-01','1-02','2-01','2-03','2-05','2-08','3-01','3-02',
  '3-04','4-01','4-02','4-03','4-05','4-07','4-10','4-12','4-15','4-20','5-01','5-03','5-05','6-01','6-02','6-03','6-05',
  '6-07','6-10','6-12','6-15','6-18','6-20','6-22','6-25','8-01']) c;
CREATE TEMP TABLE prog (i int PRIMARY KEY, program text NOT NULL, fund text NOT NULL);
INSERT INTO prog VALUES (0,'hire_unemployed','employment_fund'),(1,'hire_graduate','employment_fund'),
  (2,'startup_returnee','employment_fund'),(3,'stable_post_refund','ui_fund'),(4,'unemployment_supplement','ui_fund'),
  (5,'benefit_to_retirement','ui_fund');

-- Persons: township g % 9; 35 % with key-group tags (storage form ',a,b,').
BEGIN;
INSERT INTO persons (id, name, id_bidx, id_enc, id_masked, id_last4, sex, birth_date, township_code, tags,
                     employment_status, key_version, created_at, updated_at)
SELECT md5('p' || g)::uuid, '人员' || g, decode(md5('b' || g), 'hex'), '\x00'::bytea,
       '130527**********' || lpad((g % 100)::text, 2, '0'), lpad((g % 10000)::text, 4, '0'),
       CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END, date '1956-01-01' + (g * 7 % 18000), tw.code,
       CASE WHEN r < 650 THEN '' WHEN r < 750 THEN ',migrant_worker,' WHEN r < 800 THEN ',graduate,'
            WHEN r < 820 THEN ',graduate,unemployed_graduate,' WHEN r < 860 THEN ',returning_migrant,'
            WHEN r < 900 THEN ',unemployed,' WHEN r < 920 THEN ',unemployed,employment_difficult,'
            WHEN r < 940 THEN ',veteran,' WHEN r < 955 THEN ',disabled,' WHEN r < 970 THEN ',poor_household,'
            WHEN r < 980 THEN ',minimum_living,' WHEN r < 990 THEN ',school_leaver,'
            ELSE ',disabled,poor_household,minimum_living,' END,
       'unknown', 1, timestamptz '2020-01-01 08:00+08', timestamptz '2020-01-01 08:00+08'
FROM (SELECT g, floor(random() * 1000)::int AS r FROM generate_series(1, :persons) g) s
JOIN tw ON tw.i = s.g % 9;
COMMIT;

-- Registrations: persons g ≡ 3 (mod 10), registered 2019-01-01 … 2026-11-27, 40 % closed 1–24 months later.
BEGIN;
INSERT INTO registrations (id, person_id, township_code, registered_on, channel, registered_by, closed_on, close_reason,
                           closed_by, created_at, updated_at)
SELECT md5('r' || g)::uuid, md5('p' || g)::uuid, tw.code, reg, 'window', 'bench', clo,
       CASE WHEN clo IS NULL THEN NULL WHEN c < 0.6 THEN 'employed' WHEN c < 0.7 THEN 'entrepreneurship'
            WHEN c < 0.8 THEN 'moved' WHEN c < 0.9 THEN 'withdrawn' ELSE 'other' END,
       CASE WHEN clo IS NOT NULL THEN 'bench' END, reg::timestamptz, reg::timestamptz
FROM (SELECT g, reg, CASE WHEN random() < 0.4 THEN LEAST(reg + (30 + floor(random() * 690))::int, date '2026-11-27') END AS clo,
             random() AS c
      FROM (SELECT g, date '2019-01-01' + floor(random() * (date '2026-11-27' - date '2019-01-01' + 1))::int AS reg
            FROM generate_series(3, :persons, 10) g) a) b
JOIN tw ON tw.i = b.g % 9;
COMMIT;

-- Contacts: in 80 % of the months of the last 12 months of each spell, on a day inside the spell.
BEGIN;
INSERT INTO contacts (id, registration_id, contact_on, method, outcome, recorded_by, recorded_at)
SELECT gen_random_uuid(), x.id,
       GREATEST(x.registered_on, LEAST(x.last_day, make_date(m / 12, m % 12 + 1, 1) + floor(random() * 28)::int)),
       'phone', 'reached', 'bench', timestamptz '2026-01-01 08:00+08'
FROM (SELECT id, registered_on, COALESCE(closed_on, date '2026-11-27') AS last_day,
             (extract(year FROM registered_on) * 12 + extract(month FROM registered_on) - 1)::int AS m0,
             (extract(year FROM COALESCE(closed_on, date '2026-11-27')) * 12
              + extract(month FROM COALESCE(closed_on, date '2026-11-27')) - 1)::int AS m1
      FROM registrations) x
CROSS JOIN LATERAL generate_series(GREATEST(x.m0, x.m1 - 11), x.m1) m
WHERE random() < 0.8;
COMMIT;

-- Enterprises and their monthly reports (start + hires − separations = end, layoffs ≤ separations).
BEGIN;
INSERT INTO enterprises (id, name, credit_code, township_code, industry, staff, insured, size_class, size_basis,
                         key_version, created_at, updated_at)
SELECT md5('e' || g)::uuid, '企业' || g, '91130527' || lpad(g::text, 10, '0'), tw.code,
       (ARRAY['C','F','G','H','E','I'])[1 + g % 6], base, base * 9 / 10, 'small', 'staff', 1,
       timestamptz '2020-01-01 08:00+08', timestamptz '2020-01-01 08:00+08'
FROM (SELECT g, 10 + floor(random() * 300)::int AS base FROM generate_series(1, :enterprises) g) s
JOIN tw ON tw.i = s.g % 9;
INSERT INTO monthly_reports (enterprise_id, period, headcount_start, new_hires, separations, layoffs, headcount_end,
                             insured, vacancies, production_status, channel, reported_by, reported_at)
SELECT id, to_char(make_date(m / 12, m % 12 + 1, 1), 'YYYY-MM'), s, h, sep, floor(lr * (sep + 1))::int, s + h - sep,
       (s + h - sep) * 9 / 10, v, 'normal', 'online', 'bench', make_date(m / 12, m % 12 + 1, 1) + 50
FROM (SELECT e.id, m, e.staff::int AS s, floor(random() * 6)::int AS h, floor(random() * 6)::int AS sep,
             random() AS lr, floor(random() * 4)::int AS v
      FROM enterprises e CROSS JOIN generate_series(2024 * 12 + 10, 2026 * 12 + 9) m) x;
INSERT INTO alerts (enterprise_id, period, rule, level, message, status, owner, created_at, updated_at)
SELECT enterprise_id, period, 'layoff_rate', CASE WHEN x < 0.1 THEN 'red' WHEN x < 0.4 THEN 'orange' ELSE 'yellow' END,
       'bench', 'open', '', reported_at, reported_at
FROM (SELECT enterprise_id, period, reported_at, random() AS x, random() AS pick FROM monthly_reports) s
WHERE pick < 0.01;
COMMIT;

-- Vacancies (60 % published, 30 % closed, 10 % pending; published 2024-01-01 … 2026-11-27) and job seekers.
BEGIN;
INSERT INTO vacancies (id, search_key, kind, employer_name, title, occupation_code, posts, filled, pay_min_yuan,
                       pay_max_yuan, work_type, township_code, address, description, how_to_apply, contact_name,
                       contact_phone, valid_until, status, submitted_by, submitted_at, published_at, created_at, updated_at)
SELECT md5('v' || g)::uuid, g, 'enterprise', '企业' || g, '岗位' || g, occ.code, posts, floor(random() * posts)::int,
       3000, 5000, 'full_time', tw.code, '地址', '描述', '电话联系', '联系人', '13800000000', date '2027-12-31',
       st, 'bench', t, CASE WHEN st <> 'pending' THEN t END, t, t
FROM (SELECT g, 1 + floor(random() * 10)::int AS posts,
             CASE WHEN r < 0.6 THEN 'published' WHEN r < 0.9 THEN 'closed' ELSE 'pending' END AS st,
             timestamptz '2024-01-01 00:00+08' + random() * (timestamptz '2026-11-27 00:00+08' - timestamptz '2024-01-01 00:00+08') AS t,
             floor(random() * 34)::int AS o
      FROM (SELECT g, random() AS r FROM generate_series(1, :persons / 25) g) a) s
JOIN tw ON tw.i = s.g % 9 JOIN occ ON occ.i = s.o;
INSERT INTO job_seekers (id, person_id, township_code, occupation_codes, active, registered_by, created_at, updated_at)
SELECT md5('s' || g)::uuid, md5('p' || g)::uuid, tw.code,
       CASE WHEN n = 1 THEN o1.code ELSE o1.code || ',' || o2.code END, random() < 0.9, 'bench',
       timestamptz '2025-01-01 08:00+08', timestamptz '2025-01-01 08:00+08'
FROM (SELECT g, floor(random() * 34)::int AS a, floor(random() * 34)::int AS b, 1 + floor(random() * 2)::int AS n
      FROM generate_series(7, :persons, 20) g) s
JOIN tw ON tw.i = s.g % 9 JOIN occ o1 ON o1.i = s.a JOIN occ o2 ON o2.i = s.b;
COMMIT;

-- Subsidies: an approved application and its grant per person g ≡ 5 (mod 10), entered 2020-01-01 … 2026-11-27
-- in time order; 2 % cancelled 10 days later; 90 % of grants in a monthly bank batch, 97 % of those paid.
BEGIN;
CREATE TEMP TABLE g AS
SELECT g, prog.program, prog.fund, tw.code AS township, (10 + floor(random() * 90)::int) * 10000 AS fen,
       timestamptz '2020-01-01 00:00+08' + random() * (timestamptz '2026-11-27 00:00+08' - timestamptz '2020-01-01 00:00+08') AS t
FROM generate_series(5, :persons, 10) g JOIN tw ON tw.i = g % 9 JOIN prog ON prog.i = (g / 10) % 6;
INSERT INTO applications (id, program, subject_kind, subject_id, township_code, period_key, status, origin, channel,
                          facts_json, amount_fen, payee_name, payee_bank, submitted_by, submitted_role, submitted_at, updated_at)
SELECT md5('a' || g)::uuid, program, 'person', md5('p' || g)::uuid, township, 'bench' || g, 'approved', 'application',
       'window', '{}', fen, '人员' || g, '银行', 'bench', 'township_clerk', t, t
FROM g;
INSERT INTO ledger_entries (kind, application_id, program, fund_code, year, subject_kind, subject_id, township_code,
                            amount_fen, created_by, created_at, prev_hash, hash)
SELECT 'grant', md5('a' || g)::uuid, program, fund, extract(year FROM t)::int, 'person', md5('p' || g)::uuid, township,
       fen, 'bench', t, md5('prev' || g), md5('hash' || g)
FROM g ORDER BY t;
INSERT INTO ledger_entries (kind, application_id, program, fund_code, year, subject_kind, subject_id, township_code,
                            amount_fen, corrects_entry_id, reason, created_by, created_at, prev_hash, hash)
SELECT 'cancel', application_id, program, fund_code, year, subject_kind, subject_id, township_code, -amount_fen, id,
       'bench', 'bench', created_at + interval '10 days', md5('cprev' || id), md5('chash' || id)
FROM ledger_entries WHERE kind = 'grant' AND random() < 0.02 ORDER BY created_at;
CREATE TEMP TABLE paid AS
SELECT l.id AS entry_id, l.amount_fen, l.created_at,
       (extract(year FROM l.created_at AT TIME ZONE 'Asia/Shanghai') * 12
        + extract(month FROM l.created_at AT TIME ZONE 'Asia/Shanghai') - 1)::int - 2019 * 12 AS batch_id,
       random() < 0.97 AS ok
FROM ledger_entries l WHERE l.kind = 'grant' AND random() < 0.9;
INSERT INTO payment_batches (id, program, period, item_count, total_fen, created_by, created_at)
SELECT batch_id, 'hire_unemployed', to_char(make_date(2019 + batch_id / 12, batch_id % 12 + 1, 1), 'YYYY-MM'),
       count(*), sum(amount_fen), 'bench', max(created_at) + interval '5 days'
FROM paid GROUP BY batch_id;
SELECT setval(pg_get_serial_sequence('payment_batches', 'id'), (SELECT max(id) FROM payment_batches));
INSERT INTO batch_items (batch_id, entry_id, line_no, amount_fen)
SELECT batch_id, entry_id, row_number() OVER (PARTITION BY batch_id ORDER BY entry_id), amount_fen FROM paid;
INSERT INTO payment_results (batch_id, entry_id, outcome, reason, bank_ref, recorded_by, at)
SELECT batch_id, entry_id, CASE WHEN ok THEN 'paid' ELSE 'failed' END, CASE WHEN ok THEN '' ELSE '账户不符' END,
       'B' || entry_id, 'bench', created_at + interval '20 days'
FROM paid;
COMMIT;

ANALYZE;
SELECT 'persons' AS t, count(*) FROM persons UNION ALL SELECT 'registrations', count(*) FROM registrations
UNION ALL SELECT 'registrations closed', count(*) FROM registrations WHERE closed_on IS NOT NULL
UNION ALL SELECT 'contacts', count(*) FROM contacts UNION ALL SELECT 'enterprises', count(*) FROM enterprises
UNION ALL SELECT 'monthly_reports', count(*) FROM monthly_reports UNION ALL SELECT 'alerts', count(*) FROM alerts
UNION ALL SELECT 'vacancies', count(*) FROM vacancies UNION ALL SELECT 'job_seekers', count(*) FROM job_seekers
UNION ALL SELECT 'applications', count(*) FROM applications UNION ALL SELECT 'ledger_entries', count(*) FROM ledger_entries
UNION ALL SELECT 'payment_results', count(*) FROM payment_results;
