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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_code TEXT NOT NULL REFERENCES funds(code),
    program TEXT NOT NULL,
    year INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX budget_allocations_key ON budget_allocations(fund_code, program, year);

CREATE TABLE applications (
    id BLOB PRIMARY KEY,
    program TEXT NOT NULL,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('person', 'enterprise')),
    subject_id BLOB NOT NULL,
    -- The enterprise that applies for a hire or a trainee (payee), when not the subject.
    applicant_enterprise_id BLOB REFERENCES enterprises(id),
    township_code TEXT NOT NULL,
    period_key TEXT NOT NULL,
    status TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('application', 'offer')),
    channel TEXT NOT NULL,
    facts_json TEXT NOT NULL,
    amount_fen INTEGER,
    months INTEGER NOT NULL DEFAULT 1,
    payee_name TEXT NOT NULL,
    payee_bank TEXT NOT NULL,
    payee_account_enc BLOB,
    payee_account_kv INTEGER,
    payee_account_last4 TEXT,
    idempotency_key TEXT UNIQUE,
    submitted_by TEXT NOT NULL,
    submitted_role TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    checked_by TEXT,
    checked_role TEXT,
    checked_at TEXT,
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BLOB NOT NULL REFERENCES applications(id),
    step TEXT NOT NULL,
    outcome TEXT NOT NULL,
    amount_fen INTEGER,
    ruleset_version TEXT NOT NULL,
    as_of TEXT NOT NULL,
    decision_json TEXT NOT NULL,
    -- The input facts in full (ID number included), sealed with the vault key: what replay reads.
    facts_enc BLOB NOT NULL,
    facts_kv INTEGER NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX decisions_application ON decisions(application_id, id);

-- The database-level guarantee against paying twice: one claim per (claim key, subject, period).
-- The claim key is the program, or the sorted group of programs that exclude each other; the
-- period is 'ever', a year, or the application's period.
CREATE TABLE grant_claims (
    claim_key TEXT NOT NULL,
    subject_id BLOB NOT NULL,
    period_key TEXT NOT NULL,
    application_id BLOB NOT NULL REFERENCES applications(id),
    program TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (claim_key, subject_id, period_key)
);
CREATE INDEX grant_claims_application ON grant_claims(application_id);

CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('grant', 'cancel', 'clawback', 'topup')),
    application_id BLOB NOT NULL REFERENCES applications(id),
    program TEXT NOT NULL,
    fund_code TEXT NOT NULL REFERENCES funds(code),
    year INTEGER NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id BLOB NOT NULL,
    township_code TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    decision_id INTEGER REFERENCES decisions(id),
    corrects_entry_id INTEGER REFERENCES ledger_entries(id),
    reason TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
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
    year INTEGER NOT NULL,
    entry_count INTEGER NOT NULL,
    sum_fen INTEGER NOT NULL,
    PRIMARY KEY (fund_code, program, year)
);

CREATE TABLE payment_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    program TEXT NOT NULL,
    period TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    total_fen INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE batch_items (
    batch_id INTEGER NOT NULL REFERENCES payment_batches(id),
    entry_id INTEGER NOT NULL REFERENCES ledger_entries(id),
    line_no INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    PRIMARY KEY (batch_id, entry_id),
    UNIQUE (batch_id, line_no)
);
CREATE INDEX batch_items_entry ON batch_items(entry_id);

CREATE TABLE batch_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id INTEGER NOT NULL REFERENCES payment_batches(id),
    event TEXT NOT NULL,
    detail TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX batch_events_batch ON batch_events(batch_id, id);

CREATE TABLE payment_results (
    batch_id INTEGER NOT NULL REFERENCES payment_batches(id),
    entry_id INTEGER NOT NULL REFERENCES ledger_entries(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('paid', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    bank_ref TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (batch_id, entry_id),
    FOREIGN KEY (batch_id, entry_id) REFERENCES batch_items(batch_id, entry_id)
);
CREATE INDEX payment_results_entry ON payment_results(entry_id);

CREATE TRIGGER decisions_append_only_u BEFORE UPDATE ON decisions BEGIN SELECT RAISE(ABORT, 'decisions is append-only'); END;
CREATE TRIGGER decisions_append_only_d BEFORE DELETE ON decisions BEGIN SELECT RAISE(ABORT, 'decisions is append-only'); END;
CREATE TRIGGER grant_claims_append_only_u BEFORE UPDATE ON grant_claims BEGIN SELECT RAISE(ABORT, 'grant_claims is append-only'); END;
CREATE TRIGGER grant_claims_append_only_d BEFORE DELETE ON grant_claims BEGIN SELECT RAISE(ABORT, 'grant_claims is append-only'); END;
CREATE TRIGGER ledger_entries_append_only_u BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
CREATE TRIGGER ledger_entries_append_only_d BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
CREATE TRIGGER budget_allocations_append_only_u BEFORE UPDATE ON budget_allocations BEGIN SELECT RAISE(ABORT, 'budget_allocations is append-only'); END;
CREATE TRIGGER budget_allocations_append_only_d BEFORE DELETE ON budget_allocations BEGIN SELECT RAISE(ABORT, 'budget_allocations is append-only'); END;
CREATE TRIGGER payment_batches_append_only_u BEFORE UPDATE ON payment_batches BEGIN SELECT RAISE(ABORT, 'payment_batches is append-only'); END;
CREATE TRIGGER payment_batches_append_only_d BEFORE DELETE ON payment_batches BEGIN SELECT RAISE(ABORT, 'payment_batches is append-only'); END;
CREATE TRIGGER batch_items_append_only_u BEFORE UPDATE ON batch_items BEGIN SELECT RAISE(ABORT, 'batch_items is append-only'); END;
CREATE TRIGGER batch_items_append_only_d BEFORE DELETE ON batch_items BEGIN SELECT RAISE(ABORT, 'batch_items is append-only'); END;
CREATE TRIGGER batch_events_append_only_u BEFORE UPDATE ON batch_events BEGIN SELECT RAISE(ABORT, 'batch_events is append-only'); END;
CREATE TRIGGER batch_events_append_only_d BEFORE DELETE ON batch_events BEGIN SELECT RAISE(ABORT, 'batch_events is append-only'); END;
CREATE TRIGGER payment_results_append_only_u BEFORE UPDATE ON payment_results BEGIN SELECT RAISE(ABORT, 'payment_results is append-only'); END;
CREATE TRIGGER payment_results_append_only_d BEFORE DELETE ON payment_results BEGIN SELECT RAISE(ABORT, 'payment_results is append-only'); END;
CREATE TRIGGER applications_no_delete BEFORE DELETE ON applications BEGIN SELECT RAISE(ABORT, 'applications are closed, never deleted'); END;
