-- The grouped reads of `App::refresh_stats`, copied verbatim from crates/jiuye-store/src/stats.rs
-- (SQLite form of month_of), so run.sh can time each one (.timer) and keep its plan
-- (EXPLAIN QUERY PLAN): where the refresh's time goes. Keep in step with the store.
-- name: registration_spells
SELECT township_code, substr(CAST(registered_on AS TEXT), 1, 7), substr(CAST(closed_on AS TEXT), 1, 7), COALESCE(close_reason, '') IN ('employed', 'entrepreneurship'), COUNT(*) FROM registrations GROUP BY 1, 2, 3, 4;
-- name: contacts
-- (before 0807978: the follow-up read; kept so the old and the new read are timed on the same data)
SELECT r.township_code, substr(CAST(c.contact_on AS TEXT), 1, 7), COUNT(DISTINCT c.registration_id) FROM contacts c JOIN registrations r ON r.id = c.registration_id GROUP BY 1, 2;
-- name: contact_months
-- (from 0807978: the follow-up read over contact_months, migration 0011)
SELECT township_code, month, COUNT(*) FROM contact_months GROUP BY 1, 2;
-- name: person_tags
SELECT township_code, tags, COUNT(*) FROM persons WHERE tags <> '' GROUP BY 1, 2;
-- name: open_posts
SELECT township_code, substr(occupation_code, 1, 1), CAST(SUM(posts - filled) AS BIGINT) FROM vacancies WHERE status = 'published' GROUP BY 1, 2;
-- name: posts_published
SELECT township_code, strftime('%Y-%m', published_at, '+8 hours'), CAST(SUM(posts) AS BIGINT) FROM vacancies WHERE published_at IS NOT NULL GROUP BY 1, 2;
-- name: seekers
SELECT township_code, occupation_codes, COUNT(*) FROM job_seekers WHERE active GROUP BY 1, 2;
-- name: reports
SELECT e.township_code, r.period, COUNT(*), CAST(SUM(r.headcount_end) AS BIGINT), CAST(SUM(r.insured) AS BIGINT), CAST(SUM(r.new_hires) AS BIGINT), CAST(SUM(r.separations) AS BIGINT), CAST(SUM(r.layoffs) AS BIGINT) FROM monthly_reports r JOIN enterprises e ON e.id = r.enterprise_id GROUP BY 1, 2;
-- name: alerts
SELECT e.township_code, a.period, a.level, COUNT(*) FROM alerts a JOIN enterprises e ON e.id = a.enterprise_id GROUP BY 1, 2, 3;
-- name: committed
SELECT township_code, strftime('%Y-%m', created_at, '+8 hours'), program, CAST(SUM(amount_fen) AS BIGINT) FROM ledger_entries GROUP BY 1, 2, 3;
-- name: paid
SELECT l.township_code, strftime('%Y-%m', r.at, '+8 hours'), l.program, CAST(SUM(l.amount_fen) AS BIGINT) FROM payment_results r JOIN ledger_entries l ON l.id = r.entry_id WHERE r.outcome = 'paid' GROUP BY 1, 2, 3;
