-- Issue 5 bench data, second step (bench/unemployment/run_sql.sh), after the application's first
-- zero-employment refresh has opened a period, dated today, for every zero-employment household:
-- as `jiuye demo` does (demo_unemployment.rs), each period is dated back to the day the last of its
-- members' open registrations began, and a quarter of those open for more than 60 days are cleared
-- (动态清零): one working-age member with an open registration found work on a day since, which
-- closes the registration, makes the person employed and clears the period ('member_employed').
-- psql -f gen_post_pg.sql.
\set ON_ERROR_STOP on
\timing on
SET synchronous_commit = off;
SET work_mem = '256MB';
SELECT setseed(0.0527);
SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS today \gset

BEGIN;
-- Per open period: the latest open registration of its members, and one member of working age (a
-- man under 60, a woman under 55: inside the application's bounds) with an open registration.
CREATE TEMP TABLE zo AS
SELECT DISTINCT ON (z.household_id) z.household_id, r.id AS reg_id, p.id AS person_id,
       max(r.registered_on) OVER (PARTITION BY z.household_id) AS d
FROM zero_employment z
JOIN persons p ON p.household_id = z.household_id
JOIN registrations r ON r.person_id = p.id AND r.closed_on IS NULL
WHERE z.cleared_on IS NULL
  AND p.birth_date > CASE WHEN p.sex = 'M' THEN :'today'::date - interval '60 years' ELSE :'today'::date - interval '55 years' END
ORDER BY z.household_id, p.name, p.id;
UPDATE zero_employment z SET started_on = zo.d FROM zo WHERE z.household_id = zo.household_id AND z.cleared_on IS NULL;
CREATE TEMP TABLE zc AS
SELECT household_id, reg_id, person_id, d + 20 + floor(random() * LEAST(:'today'::date - d - 20, 600))::int AS cleared
FROM zo WHERE :'today'::date - d > 60 AND random() < 0.25;
UPDATE registrations r SET closed_on = zc.cleared, close_reason = 'employed', close_note = '演示：实现就业', closed_by = 'demo:clerk',
       version = r.version + 1
FROM zc WHERE r.id = zc.reg_id;
UPDATE persons p SET employment_status = 'employed', version = p.version + 1 FROM zc WHERE p.id = zc.person_id;
UPDATE zero_employment z SET cleared_on = zc.cleared, cleared_reason = 'member_employed'
FROM zc WHERE z.household_id = zc.household_id AND z.cleared_on IS NULL;
COMMIT;

VACUUM ANALYZE persons;
VACUUM ANALYZE registrations;
VACUUM ANALYZE zero_employment;
SELECT 'zero_employment open' AS t, count(*) FROM zero_employment WHERE cleared_on IS NULL
UNION ALL SELECT 'zero_employment cleared', count(*) FROM zero_employment WHERE cleared_on IS NOT NULL
UNION ALL SELECT 'registrations open', count(*) FROM registrations WHERE closed_on IS NULL
UNION ALL SELECT 'registrations', count(*) FROM registrations;
