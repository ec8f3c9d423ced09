-- Issue 5 bench data for PostgreSQL (bench/unemployment/run_sql.sh): what the follow-up due list,
-- the zero-employment derivation and the zero-employment list read, generated with generate_series
-- into a database `jiuye migrate` created, with the distributions of `jiuye demo`
-- (crates/jiuye-app/src/demo.rs, demo_unemployment.rs) so that the SQL data and demo data can be
-- compared at 350,000 persons. psql -v persons=N -f gen_pg.sql.
--
-- - villages: 12–25 per township under its code (as demo: code = township code || 200 + i);
-- - households of 1–5 persons (uniform, mean 3), in a random village; 3 % "jobless" households whose
--   members of 18–59 are all unemployed (demo's `jobless_household`);
-- - persons aged 16–65 (uniform birth date), sex M/F, employment status as demo: outside 18–59 (by
--   calendar year) not in the labour force, in a jobless household unemployed, else 65 % employed,
--   15 % flexible, 10 % unemployed, 10 % unknown; tags as demo (graduate for ~59 % of those under
--   30, migrant worker 12 %, returning migrant 4 %, veteran 3 %, disabled 2 %, poor household 3 %,
--   minimum living 2 %, employment-difficult 3 %, `unemployed` for the unemployed);
-- - an open registration for 75 % of the unemployed aged 18–57, registered 2019-01-01 … a month ago;
--   a closed one (found work) for 6 % of the employed aged 18–57, closed 30–329 days later;
-- - contacts on a random day of each of the spell's last six months, skipping 8 % of months and, for
--   open spells, 45 % of the current month (so about half are due this month, some overdue).
--
-- ID numbers and phones are not real ciphertext: id_enc is a filler byte and phone columns are NULL;
-- the lists measured here show only the masked ID (id_masked) and never decrypt. The
-- zero-employment periods are NOT generated here: the application derives them (the first
-- `refresh_zero_employment`), then gen_post_pg.sql dates them back and clears some, as demo does.
\set ON_ERROR_STOP on
\timing on
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';
SELECT setseed(0.2026);
-- "Today" as the application sees it (China Standard Time).
SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS today \gset

CREATE TEMP TABLE tw (i int PRIMARY KEY, code text NOT NULL, nv int NOT NULL);
INSERT INTO tw SELECT i, code, 12 + floor(random() * 14)::int
FROM (VALUES (0,'130527100'),(1,'130527101'),(2,'130527102'),(3,'130527200'),(4,'130527201'),
             (5,'130527202'),(6,'130527203'),(7,'130527204'),(8,'130527400')) v(i, code);

BEGIN;
CREATE TEMP TABLE vil AS
SELECT (row_number() OVER (ORDER BY tw.i, v) - 1)::int AS vi, tw.code || (200 + v)::text AS code, tw.code AS township_code,
       (ARRAY['东','西','南','北','前','后','大','小'])[1 + v % 8] || (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','马','朱'])[1 + v / 8]
         || (ARRAY['庄村','家庄村','营村','屯村'])[1 + v % 4] AS name
FROM tw CROSS JOIN LATERAL generate_series(0, tw.nv - 1) v;
INSERT INTO villages (code, township_code, name) SELECT code, township_code, name FROM vil;
SELECT count(*) AS nv FROM vil \gset

-- Households: enough of them for :persons persons (sizes 1–5), each with its first person's index.
CREATE TEMP TABLE hh AS
SELECT h, size, (sum(size) OVER (ORDER BY h) - size)::bigint AS first, vi, jobless
FROM (SELECT h, 1 + floor(random() * 5)::int AS size, floor(random() * :nv)::int AS vi, random() < 0.03 AS jobless
      FROM generate_series(1, :persons / 3 + :persons / 50 + 1000) h) s;
DELETE FROM hh WHERE first >= :persons;
SELECT 1 / (sum(size) >= :persons)::int AS enough_households FROM hh;  -- division by zero if too few
INSERT INTO households (id, household_no, township_code, village_code, created_at, updated_at)
SELECT md5('h' || h)::uuid, vil.code || lpad(h::text, 7, '0'), vil.township_code, vil.code,
       timestamptz '2020-01-01 08:00+08', timestamptz '2020-01-01 08:00+08'
FROM hh JOIN vil USING (vi);
COMMIT;

-- Persons.
BEGIN;
CREATE TEMP TABLE pp AS
SELECT g, h, vi, jobless, birth, (extract(year FROM :'today'::date) - extract(year FROM birth))::int AS age,
       random() AS rs, random() AS rst, random() AS rgrad, random() AS t1, random() AS t2, random() AS t3, random() AS t4,
       random() AS t5, random() AS t6, random() AS t7
FROM (SELECT hh.first + k AS g, hh.h, hh.vi, hh.jobless, :'today'::date - (16 * 365 + floor(random() * 50 * 365)::int) AS birth
      FROM hh CROSS JOIN LATERAL generate_series(0, hh.size - 1) k) s
WHERE g < :persons;
CREATE TEMP TABLE ps AS
SELECT g, h, vi, birth, age, CASE WHEN rs < 0.5 THEN 'M' ELSE 'F' END AS sex,
       CASE WHEN age < 18 OR age >= 60 THEN 'not_in_labour_force' WHEN jobless THEN 'unemployed'
            WHEN rst < 0.65 THEN 'employed' WHEN rst < 0.80 THEN 'flexible' WHEN rst < 0.90 THEN 'unemployed' ELSE 'unknown' END AS status,
       age < 30 AND rgrad < 0.59 AS graduate, t1, t2, t3, t4, t5, t6, t7
FROM pp;
INSERT INTO persons (id, name, id_bidx, id_enc, id_masked, id_last4, sex, birth_date, township_code, village_code, household_id,
                     tags, education, employment_status, key_version, created_at, updated_at)
SELECT md5('p' || g)::uuid,
       (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','马','朱','胡','郭','何','高','林','罗'])[1 + (g * 7 + h) % 20]
         || (ARRAY['明','华','丽','军','芳','强','静','伟','敏','磊','洋','艳','勇','娟','涛'])[1 + g % 15]
         || CASE WHEN g % 3 = 0 THEN '' ELSE (ARRAY['明','华','丽','军','芳','强','静','伟','敏','磊','洋','艳','勇','娟','涛'])[1 + (g / 15) % 15] END,
       decode(md5('b' || g), 'hex'), '\x00'::bytea,
       '130***********' || lpad((g % 10000)::text, 4, '0'), lpad((g % 10000)::text, 4, '0'),
       sex, birth, vil.township_code, vil.code, md5('h' || h)::uuid,
       COALESCE(',' || NULLIF(array_to_string(ARRAY[
           CASE WHEN graduate THEN 'graduate' END,
           CASE WHEN t1 < 0.12 THEN 'migrant_worker' END,
           CASE WHEN t2 < 0.04 THEN 'returning_migrant' END,
           CASE WHEN t3 < 0.03 THEN 'veteran' END,
           CASE WHEN status = 'unemployed' THEN 'unemployed' END,
           CASE WHEN t4 < 0.03 THEN 'employment_difficult' END,
           CASE WHEN t5 < 0.02 THEN 'disabled' END,
           CASE WHEN t6 < 0.03 THEN 'poor_household' END,
           CASE WHEN t7 < 0.02 THEN 'minimum_living' END], ','), '') || ',', ''),
       (ARRAY['primary','junior','senior','vocational','college','bachelor','master','doctor'])[1 + g % 8],
       status, 1, timestamptz '2020-01-01 08:00+08', timestamptz '2020-01-01 08:00+08'
FROM ps JOIN vil USING (vi);
COMMIT;

-- Registrations (as demo_unemployment.rs): open for 75 % of the unemployed aged 18–57, closed (found
-- work) for 6 % of the employed aged 18–57.
BEGIN;
CREATE TEMP TABLE rg AS
SELECT md5('r' || g)::uuid AS id, md5('p' || g)::uuid AS person_id, vil.township_code, reg, open,
       CASE WHEN NOT open THEN LEAST(reg + 30 + floor(random() * 300)::int, :'today'::date) END AS closed_on,
       random() < 0.4 AS insured, random() AS rb, random() AS rc
FROM (SELECT g, vi, status = 'unemployed' AS open,
             date '2019-01-01' + floor(random() * ((:'today'::date - date '2019-01-01') - 31))::int AS reg
      FROM ps
      WHERE age >= 18 AND age < 58
        AND ((status = 'unemployed' AND random() < 0.75) OR (status = 'employed' AND random() < 0.06))) s
JOIN vil USING (vi);
INSERT INTO registrations (id, person_id, township_code, registered_on, channel, registered_by, closed_on, close_reason, closed_by,
                           version, created_at, updated_at, insured, benefit_entitled)
SELECT id, person_id, township_code, reg, CASE WHEN rc < 0.3 THEN 'online' ELSE 'window' END, 'demo:clerk', closed_on,
       CASE WHEN closed_on IS NOT NULL THEN 'employed' END, CASE WHEN closed_on IS NOT NULL THEN 'demo:clerk' END,
       CASE WHEN closed_on IS NOT NULL THEN 2 ELSE 1 END, reg::timestamptz, reg::timestamptz,
       insured, CASE WHEN insured AND rb < 0.5 THEN rb < 0.2 END
FROM rg;
COMMIT;

-- Contacts: a random day of each of the spell's last six months, some months missed.
BEGIN;
INSERT INTO contacts (id, registration_id, contact_on, method, outcome, services, recorded_by, recorded_at)
SELECT md5('c' || x.id || k)::uuid, x.id, x.day,
       (ARRAY['phone','phone','visit','window','sms_reply'])[1 + floor(random() * 5)::int],
       (ARRAY['仍在求职','参加培训中','有意向，已推荐岗位','暂无就业意愿，继续跟踪'])[1 + floor(random() * 4)::int],
       (ARRAY['job_referral','career_guidance','job_referral,training_referral',''])[1 + floor(random() * 4)::int],
       'demo:clerk', x.day::timestamptz + interval '10 hours'
FROM (SELECT rg.id, rg.reg, rg.open, k, COALESCE(rg.closed_on, :'today'::date) AS last,
             (date_trunc('month', COALESCE(rg.closed_on, :'today'::date)::timestamp) - make_interval(months => k))::date + floor(random() * 27)::int AS day,
             random() AS skip
      FROM rg CROSS JOIN generate_series(0, 5) k) x
-- demo skips a month with 8 %, and the current month of an open spell with 45 % before that: 1 − 0.55 × 0.92
WHERE x.day >= x.reg AND x.day <= x.last AND x.skip >= CASE WHEN x.k = 0 AND x.open THEN 0.494 ELSE 0.08 END;
COMMIT;

ANALYZE;
SELECT 'villages' AS t, count(*) FROM villages UNION ALL SELECT 'households', count(*) FROM households
UNION ALL SELECT 'persons', count(*) FROM persons
UNION ALL SELECT 'persons unemployed', count(*) FROM persons WHERE employment_status = 'unemployed'
UNION ALL SELECT 'registrations', count(*) FROM registrations
UNION ALL SELECT 'registrations open', count(*) FROM registrations WHERE closed_on IS NULL
UNION ALL SELECT 'contacts', count(*) FROM contacts
UNION ALL SELECT 'contacts this month', count(*) FROM contacts WHERE contact_on >= date_trunc('month', :'today'::date);
