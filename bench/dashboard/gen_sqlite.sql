-- Issue 7 bench data for SQLite (bench/dashboard/run.sh): the same rows and distributions as
-- gen_pg.sql (read its header), generated with the sqlite3 shell's generate_series into a database
-- `jiuye migrate` created. run.sh replaces @PERSONS@ and @ENTERPRISES@ and feeds this to sqlite3.
-- Random values are drawn once per row in MATERIALIZED CTEs (so a CASE over them sees one draw).
-- Identifiers are randomblob(16) (UUIDs are 16-byte BLOBs in the SQLite schema); persons and
-- enterprises get rowid = g so later rows can find "person g" without a second key.
.bail on
.timer on
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
PRAGMA temp_store = FILE;

CREATE TEMP TABLE tw (i INTEGER PRIMARY KEY, code TEXT NOT NULL);
INSERT INTO tw VALUES (0,'130527100'),(1,'130527101'),(2,'130527102'),(3,'130527200'),(4,'130527201'),
                      (5,'130527202'),(6,'130527203'),(7,'130527204'),(8,'130527400');
CREATE TEMP TABLE occ (i INTEGER PRIMARY KEY, code TEXT NOT NULL);
INSERT INTO occ (code) VALUES ('1-01'),('1-02'),('2-01'),('2-03'),('2-05'),('2-08'),('3-01'),('3-02'),('3-04'),('4-01'),
  ('4-02'),('4-03'),('4-05'),('4-07'),('4-10'),('4-12'),('4-15'),('4-20'),('5-01'),('5-03'),('5-05'),('6-01'),('6-02'),
  ('6-03'),('6-05'),('6-07'),('6-10'),('6-12'),('6-15'),('6-18'),('6-20'),('6-22'),('6-25'),('8-01');
UPDATE occ SET i = i - 1;
CREATE TEMP TABLE prog (i INTEGER PRIMARY KEY, program TEXT NOT NULL, fund TEXT NOT NULL);
INSERT INTO prog VALUES (0,'hire_unemployed','employment_fund'),(1,'hire_graduate','employment_fund'),
  (2,'startup_returnee','employment_fund'),(3,'stable_post_refund','ui_fund'),(4,'unemployment_supplement','ui_fund'),
  (5,'benefit_to_retirement','ui_fund');

BEGIN;
WITH s AS MATERIALIZED (SELECT value AS g, abs(random()) % 1000 AS r FROM generate_series(1, @PERSONS@))
INSERT INTO persons (rowid, id, name, id_bidx, id_enc, id_masked, id_last4, sex, birth_date, township_code, tags,
                     employment_status, key_version, created_at, updated_at)
SELECT g, randomblob(16), '人员' || g, randomblob(16), x'00', '130527**********' || printf('%02d', g % 100),
       printf('%04d', g % 10000), CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END,
       date('1956-01-01', '+' || (g * 7 % 18000) || ' days'), tw.code,
       CASE WHEN r < 650 THEN '' WHEN r < 750 THEN ',migrant_worker,' WHEN r < 800 THEN ',graduate,'
            WHEN r < 820 THEN ',graduate,unemployed_graduate,' WHEN r < 860 THEN ',returning_migrant,'
            WHEN r < 900 THEN ',unemployed,' WHEN r < 920 THEN ',unemployed,employment_difficult,'
            WHEN r < 940 THEN ',veteran,' WHEN r < 955 THEN ',disabled,' WHEN r < 970 THEN ',poor_household,'
            WHEN r < 980 THEN ',minimum_living,' WHEN r < 990 THEN ',school_leaver,'
            ELSE ',disabled,poor_household,minimum_living,' END,
       'unknown', 1, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'
FROM s JOIN tw ON tw.i = s.g % 9;
COMMIT;

BEGIN;
WITH a AS MATERIALIZED (SELECT value AS g, date('2019-01-01', '+' || (abs(random()) % 2888) || ' days') AS reg,
                               abs(random()) % 1000 AS pc, 30 + abs(random()) % 690 AS d, abs(random()) % 1000 AS c
                        FROM generate_series(3, @PERSONS@, 10)),
     b AS MATERIALIZED (SELECT g, reg, CASE WHEN pc < 400 THEN min(date(reg, '+' || d || ' days'), '2026-11-27') END AS clo, c FROM a)
INSERT INTO registrations (rowid, id, person_id, township_code, registered_on, channel, registered_by, closed_on, close_reason,
                           closed_by, created_at, updated_at)
SELECT b.g, randomblob(16), p.id, p.township_code, reg, 'window', 'bench', clo,
       CASE WHEN clo IS NULL THEN NULL WHEN c < 600 THEN 'employed' WHEN c < 700 THEN 'entrepreneurship'
            WHEN c < 800 THEN 'moved' WHEN c < 900 THEN 'withdrawn' ELSE 'other' END,
       CASE WHEN clo IS NOT NULL THEN 'bench' END, reg || 'T00:00:00Z', reg || 'T00:00:00Z'
FROM b JOIN persons p ON p.rowid = b.g;
COMMIT;

BEGIN;
WITH x AS MATERIALIZED (
  SELECT id, registered_on, coalesce(closed_on, '2026-11-27') AS last_day,
         CAST(substr(registered_on, 1, 4) AS INTEGER) * 12 + CAST(substr(registered_on, 6, 2) AS INTEGER) - 1 AS m0,
         CAST(substr(coalesce(closed_on, '2026-11-27'), 1, 4) AS INTEGER) * 12
           + CAST(substr(coalesce(closed_on, '2026-11-27'), 6, 2) AS INTEGER) - 1 AS m1
  FROM registrations),
     y AS MATERIALIZED (SELECT x.id, x.registered_on, x.last_day, s.value AS m, abs(random()) % 10 AS pick,
                               1 + abs(random()) % 28 AS day
                        FROM x JOIN generate_series(max(x.m0, x.m1 - 11), x.m1) s)
INSERT INTO contacts (id, registration_id, contact_on, method, outcome, recorded_by, recorded_at)
SELECT randomblob(16), id, max(registered_on, min(last_day, printf('%04d-%02d-%02d', m / 12, m % 12 + 1, day))),
       'phone', 'reached', 'bench', '2026-01-01T00:00:00Z'
FROM y WHERE pick < 8;
COMMIT;

BEGIN;
WITH s AS MATERIALIZED (SELECT value AS g, 10 + abs(random()) % 300 AS base FROM generate_series(1, @ENTERPRISES@))
INSERT INTO enterprises (rowid, id, name, credit_code, township_code, industry, staff, insured, size_class, size_basis,
                         key_version, created_at, updated_at)
SELECT g, randomblob(16), '企业' || g, '91130527' || printf('%010d', g), tw.code,
       CASE g % 6 WHEN 0 THEN 'C' WHEN 1 THEN 'F' WHEN 2 THEN 'G' WHEN 3 THEN 'H' WHEN 4 THEN 'E' ELSE 'I' END,
       base, base * 9 / 10, 'small', 'staff', 1, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'
FROM s JOIN tw ON tw.i = s.g % 9;
WITH x AS MATERIALIZED (SELECT e.id, s.value AS m, e.staff AS st, abs(random()) % 6 AS h, abs(random()) % 6 AS sep,
                               abs(random()) % 1000 AS lr, abs(random()) % 4 AS v
                        FROM enterprises e JOIN generate_series(2024 * 12 + 10, 2026 * 12 + 9) s)
INSERT INTO monthly_reports (enterprise_id, period, headcount_start, new_hires, separations, layoffs, headcount_end,
                             insured, vacancies, production_status, channel, reported_by, reported_at)
SELECT id, printf('%04d-%02d', m / 12, m % 12 + 1), st, h, sep, lr * (sep + 1) / 1000, st + h - sep,
       (st + h - sep) * 9 / 10, v, 'normal', 'online', 'bench', printf('%04d-%02d-20T02:00:00Z', (m + 1) / 12, (m + 1) % 12 + 1)
FROM x;
WITH s AS MATERIALIZED (SELECT enterprise_id, period, reported_at, abs(random()) % 1000 AS x, abs(random()) % 100 AS pick
                        FROM monthly_reports)
INSERT INTO alerts (enterprise_id, period, rule, level, message, status, owner, created_at, updated_at)
SELECT enterprise_id, period, 'layoff_rate', CASE WHEN x < 100 THEN 'red' WHEN x < 400 THEN 'orange' ELSE 'yellow' END,
       'bench', 'open', '', reported_at, reported_at
FROM s WHERE pick = 0;
COMMIT;

BEGIN;
WITH s AS MATERIALIZED (SELECT value AS g, 1 + abs(random()) % 10 AS posts, abs(random()) % 1000 AS r,
                               strftime('%Y-%m-%dT%H:%M:%SZ', 1704038400 + abs(random()) % (1795708800 - 1704038400), 'unixepoch') AS t,
                               abs(random()) % 34 AS o, abs(random()) % 1000 AS f
                        FROM generate_series(1, @PERSONS@ / 25))
INSERT INTO vacancies (id, search_key, kind, employer_name, title, occupation_code, posts, filled, pay_min_yuan,
                       pay_max_yuan, work_type, township_code, address, description, how_to_apply, contact_name,
                       contact_phone, valid_until, status, submitted_by, submitted_at, published_at, created_at, updated_at)
SELECT randomblob(16), g, 'enterprise', '企业' || g, '岗位' || g, occ.code, posts, posts * f / 1000, 3000, 5000, 'full_time',
       tw.code, '地址', '描述', '电话联系', '联系人', '13800000000', '2027-12-31',
       CASE WHEN r < 600 THEN 'published' WHEN r < 900 THEN 'closed' ELSE 'pending' END, 'bench', t,
       CASE WHEN r < 900 THEN t END, t, t
FROM s JOIN tw ON tw.i = s.g % 9 JOIN occ ON occ.i = s.o;
WITH s AS MATERIALIZED (SELECT value AS g, abs(random()) % 34 AS a, abs(random()) % 34 AS b, 1 + abs(random()) % 2 AS n,
                               abs(random()) % 10 AS act
                        FROM generate_series(7, @PERSONS@, 20))
INSERT INTO job_seekers (id, person_id, township_code, occupation_codes, active, registered_by, created_at, updated_at)
SELECT randomblob(16), p.id, p.township_code, CASE WHEN n = 1 THEN o1.code ELSE o1.code || ',' || o2.code END, act < 9,
       'bench', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
FROM s JOIN persons p ON p.rowid = s.g JOIN occ o1 ON o1.i = s.a JOIN occ o2 ON o2.i = s.b;
COMMIT;

BEGIN;
CREATE TEMP TABLE gg AS
WITH s AS MATERIALIZED (SELECT value AS g, (10 + abs(random()) % 90) * 10000 AS fen,
                               1577808000 + abs(random()) % (1795708800 - 1577808000) AS ep
                        FROM generate_series(5, @PERSONS@, 10))
SELECT s.g, randomblob(16) AS app_id, p.id AS subject_id, prog.program, prog.fund, p.township_code AS township, fen,
       strftime('%Y-%m-%dT%H:%M:%SZ', ep, 'unixepoch') AS t, ep
FROM s JOIN persons p ON p.rowid = s.g JOIN prog ON prog.i = (s.g / 10) % 6;
INSERT INTO applications (id, program, subject_kind, subject_id, township_code, period_key, status, origin, channel,
                          facts_json, amount_fen, payee_name, payee_bank, submitted_by, submitted_role, submitted_at, updated_at)
SELECT app_id, program, 'person', subject_id, township, 'bench' || g, 'approved', 'application', 'window', '{}', fen,
       '人员' || g, '银行', 'bench', 'township_clerk', t, t
FROM gg;
INSERT INTO ledger_entries (kind, application_id, program, fund_code, year, subject_kind, subject_id, township_code,
                            amount_fen, created_by, created_at, prev_hash, hash)
SELECT 'grant', app_id, program, fund, CAST(strftime('%Y', ep + 8 * 3600, 'unixepoch') AS INTEGER), 'person', subject_id,
       township, fen, 'bench', t, hex(randomblob(32)), hex(randomblob(32))
FROM gg ORDER BY ep;
WITH c AS MATERIALIZED (SELECT *, abs(random()) % 100 AS pick FROM ledger_entries WHERE kind = 'grant')
INSERT INTO ledger_entries (kind, application_id, program, fund_code, year, subject_kind, subject_id, township_code,
                            amount_fen, corrects_entry_id, reason, created_by, created_at, prev_hash, hash)
SELECT 'cancel', application_id, program, fund_code, year, subject_kind, subject_id, township_code, -amount_fen, id,
       'bench', 'bench', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+10 days'), hex(randomblob(32)), hex(randomblob(32))
FROM c WHERE pick < 2 ORDER BY created_at;
CREATE TEMP TABLE paid AS
WITH c AS MATERIALIZED (SELECT id, amount_fen, created_at, abs(random()) % 100 AS pick, abs(random()) % 100 AS ok
                        FROM ledger_entries WHERE kind = 'grant')
SELECT id AS entry_id, amount_fen, created_at,
       CAST(strftime('%Y', created_at, '+8 hours') AS INTEGER) * 12 + CAST(strftime('%m', created_at, '+8 hours') AS INTEGER) - 1
         - 2019 * 12 AS batch_id,
       ok < 97 AS ok
FROM c WHERE pick < 90;
INSERT INTO payment_batches (id, program, period, item_count, total_fen, created_by, created_at)
SELECT batch_id, 'hire_unemployed', printf('%04d-%02d', 2019 + batch_id / 12, batch_id % 12 + 1), count(*), sum(amount_fen),
       'bench', strftime('%Y-%m-%dT%H:%M:%SZ', max(created_at), '+5 days')
FROM paid GROUP BY batch_id;
INSERT INTO batch_items (batch_id, entry_id, line_no, amount_fen)
SELECT batch_id, entry_id, row_number() OVER (PARTITION BY batch_id ORDER BY entry_id), amount_fen FROM paid;
INSERT INTO payment_results (batch_id, entry_id, outcome, reason, bank_ref, recorded_by, at)
SELECT batch_id, entry_id, CASE WHEN ok THEN 'paid' ELSE 'failed' END, CASE WHEN ok THEN '' ELSE '账户不符' END,
       'B' || entry_id, 'bench', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+20 days')
FROM paid;
COMMIT;

ANALYZE;
.timer off
SELECT 'persons', count(*) FROM persons UNION ALL SELECT 'registrations', count(*) FROM registrations
UNION ALL SELECT 'registrations closed', count(*) FROM registrations WHERE closed_on IS NOT NULL
UNION ALL SELECT 'contacts', count(*) FROM contacts UNION ALL SELECT 'enterprises', count(*) FROM enterprises
UNION ALL SELECT 'monthly_reports', count(*) FROM monthly_reports UNION ALL SELECT 'alerts', count(*) FROM alerts
UNION ALL SELECT 'vacancies', count(*) FROM vacancies UNION ALL SELECT 'job_seekers', count(*) FROM job_seekers
UNION ALL SELECT 'applications', count(*) FROM applications UNION ALL SELECT 'ledger_entries', count(*) FROM ledger_entries
UNION ALL SELECT 'payment_results', count(*) FROM payment_results;
