-- Subsidy applications, approvals and the payment ledger (issue 6, measure (二十)).
--
-- Money is integer fen. Decisions, ledger entries, grant claims, batches, batch items, batch
-- events and payment results are append-only: the database refuses UPDATE and DELETE. Only the
-- application row (its workflow state) and the running totals change, and `jiuye ledger verify`
-- recomputes the totals from the entries.

CREATE TABLE funds (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
INSERT INTO funds (code, name) VALUES
    ('employment_fund', '就业补助资金'),
    ('ui_fund', '失业保险基金');

-- Each row is an allocation or an adjustment (negative); the year's budget is their sum.
CREATE TABLE budget_allocations (
    id BIGSERIAL PRIMARY KEY,
    fund_code TEXT NOT NULL REFERENCES funds(code),
    program TEXT NOT NULL,
    year BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX budget_allocations_key ON budget_allocations(fund_code, program, year);

CREATE TABLE applications (
    id UUID PRIMARY KEY,
    program TEXT NOT NULL,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('person', 'enterprise')),
    subject_id UUID NOT NULL,
    -- The enterprise that applies for a hire or a trainee (payee), when not the subject.
    applicant_enterprise_id UUID REFERENCES enterprises(id),
    township_code TEXT NOT NULL,
    period_key TEXT NOT NULL,
    status TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('application', 'offer')),
    channel TEXT NOT NULL,
    facts_json TEXT NOT NULL,
    amount_fen BIGINT,
    months BIGINT NOT NULL DEFAULT 1,
    payee_name TEXT NOT NULL,
    payee_bank TEXT NOT NULL,
    payee_account_enc BYTEA,
    payee_account_kv BIGINT,
    payee_account_last4 TEXT,
    idempotency_key TEXT UNIQUE,
    submitted_by TEXT NOT NULL,
    submitted_role TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    checked_by TEXT,
    checked_role TEXT,
    checked_at TIMESTAMPTZ,
    decided_by TEXT,
    decided_at TIMESTAMPTZ,
    reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);
-- One live application per program, subject and period: a resubmission without an idempotency
-- key finds this one instead of creating a second.
CREATE UNIQUE INDEX applications_live ON applications(program, subject_id, period_key)
    WHERE status NOT IN ('rejected', 'withdrawn', 'declined');
CREATE INDEX applications_status ON applications(status, township_code, submitted_at);
CREATE INDEX applications_subject ON applications(subject_id);

-- Every evaluation of the rules recorded with an application: what was decided, with the
-- rule-set version, the parameters and the facts (the whole explained decision as JSON).
CREATE TABLE decisions (
    id BIGSERIAL PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id),
    step TEXT NOT NULL,
    outcome TEXT NOT NULL,
    amount_fen BIGINT,
    ruleset_version TEXT NOT NULL,
    as_of DATE NOT NULL,
    decision_json TEXT NOT NULL,
    -- The input facts in full (ID number included), sealed with the vault key: what replay reads.
    facts_enc BYTEA NOT NULL,
    facts_kv BIGINT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX decisions_application ON decisions(application_id, id);

-- The database-level guarantee against paying twice: one claim per (claim key, subject, period).
-- The claim key is the program, or the sorted group of programs that exclude each other; the
-- period is 'ever', a year, or the application's period.
CREATE TABLE grant_claims (
    claim_key TEXT NOT NULL,
    subject_id UUID NOT NULL,
    period_key TEXT NOT NULL,
    application_id UUID NOT NULL REFERENCES applications(id),
    program TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (claim_key, subject_id, period_key)
);
CREATE INDEX grant_claims_application ON grant_claims(application_id);

CREATE TABLE ledger_entries (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('grant', 'cancel', 'clawback', 'topup')),
    application_id UUID NOT NULL REFERENCES applications(id),
    program TEXT NOT NULL,
    fund_code TEXT NOT NULL REFERENCES funds(code),
    year BIGINT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id UUID NOT NULL,
    township_code TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    decision_id BIGINT REFERENCES decisions(id),
    corrects_entry_id BIGINT REFERENCES ledger_entries(id),
    reason TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    CHECK ((kind IN ('grant', 'topup') AND amount_fen > 0) OR (kind IN ('cancel', 'clawback') AND amount_fen < 0)),
    CHECK (kind = 'grant' OR corrects_entry_id IS NOT NULL)
);
CREATE UNIQUE INDEX ledger_one_grant ON ledger_entries(application_id) WHERE kind = 'grant';
CREATE UNIQUE INDEX ledger_one_cancel ON ledger_entries(corrects_entry_id) WHERE kind = 'cancel';
CREATE INDEX ledger_program ON ledger_entries(program, year);
-- Lookups by application (its page, verify), by subject (earlier grants at every approval) and by
-- corrected entry (net of a grant): without them verify and approvals scan the ledger per row.
CREATE INDEX ledger_application ON ledger_entries(application_id);
CREATE INDEX ledger_subject ON ledger_entries(subject_id);
CREATE INDEX ledger_corrects ON ledger_entries(corrects_entry_id);

-- Running totals per fund, program and year, kept in the same transaction as each entry;
-- `ledger verify` recomputes them.
CREATE TABLE ledger_totals (
    fund_code TEXT NOT NULL,
    program TEXT NOT NULL,
    year BIGINT NOT NULL,
    entry_count BIGINT NOT NULL,
    sum_fen BIGINT NOT NULL,
    PRIMARY KEY (fund_code, program, year)
);

CREATE TABLE payment_batches (
    id BIGSERIAL PRIMARY KEY,
    program TEXT NOT NULL,
    period TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    total_fen BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE batch_items (
    batch_id BIGINT NOT NULL REFERENCES payment_batches(id),
    entry_id BIGINT NOT NULL REFERENCES ledger_entries(id),
    line_no BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (batch_id, entry_id),
    UNIQUE (batch_id, line_no)
);
CREATE INDEX batch_items_entry ON batch_items(entry_id);

CREATE TABLE batch_events (
    id BIGSERIAL PRIMARY KEY,
    batch_id BIGINT NOT NULL REFERENCES payment_batches(id),
    event TEXT NOT NULL,
    detail TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX batch_events_batch ON batch_events(batch_id, id);

CREATE TABLE payment_results (
    batch_id BIGINT NOT NULL REFERENCES payment_batches(id),
    entry_id BIGINT NOT NULL REFERENCES ledger_entries(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('paid', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    bank_ref TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (batch_id, entry_id),
    FOREIGN KEY (batch_id, entry_id) REFERENCES batch_items(batch_id, entry_id)
);
CREATE INDEX payment_results_entry ON payment_results(entry_id);

CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER grant_claims_append_only BEFORE UPDATE OR DELETE ON grant_claims
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER grant_claims_no_truncate BEFORE TRUNCATE ON grant_claims
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER budget_allocations_append_only BEFORE UPDATE OR DELETE ON budget_allocations
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER budget_allocations_no_truncate BEFORE TRUNCATE ON budget_allocations
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER payment_batches_append_only BEFORE UPDATE OR DELETE ON payment_batches
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER payment_batches_no_truncate BEFORE TRUNCATE ON payment_batches
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER batch_items_append_only BEFORE UPDATE OR DELETE ON batch_items
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER batch_items_no_truncate BEFORE TRUNCATE ON batch_items
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER batch_events_append_only BEFORE UPDATE OR DELETE ON batch_events
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER batch_events_no_truncate BEFORE TRUNCATE ON batch_events
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER payment_results_append_only BEFORE UPDATE OR DELETE ON payment_results
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER payment_results_no_truncate BEFORE TRUNCATE ON payment_results
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER applications_no_delete BEFORE DELETE OR TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
