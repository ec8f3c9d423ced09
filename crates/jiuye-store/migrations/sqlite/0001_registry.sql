-- Registry, accounts, sessions and the audit chain (SQLite dialect).

CREATE TABLE townships (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE villages (
    code TEXT PRIMARY KEY,
    township_code TEXT NOT NULL REFERENCES townships(code),
    name TEXT NOT NULL,
    UNIQUE (township_code, name)
);

CREATE TABLE households (
    id BLOB PRIMARY KEY,
    household_no TEXT NOT NULL UNIQUE,
    township_code TEXT NOT NULL REFERENCES townships(code),
    village_code TEXT REFERENCES villages(code),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX households_township ON households(township_code, household_no);

CREATE TABLE persons (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    id_bidx BLOB NOT NULL UNIQUE,
    id_enc BLOB NOT NULL,
    id_masked TEXT NOT NULL,
    id_last4 TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    phone_bidx BLOB,
    phone_enc BLOB,
    phone_masked TEXT,
    phone_last4 TEXT,
    township_code TEXT NOT NULL REFERENCES townships(code),
    village_code TEXT REFERENCES villages(code),
    household_id BLOB REFERENCES households(id),
    tags TEXT NOT NULL DEFAULT '',
    education TEXT,
    graduation_date TEXT,
    employment_status TEXT NOT NULL DEFAULT 'unknown',
    key_version INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX persons_township_name ON persons(township_code, name, id);
CREATE INDEX persons_name ON persons(name, id);
CREATE INDEX persons_household ON persons(household_id);
CREATE INDEX persons_id_last4 ON persons(id_last4);
CREATE INDEX persons_phone_bidx ON persons(phone_bidx);
CREATE INDEX persons_phone_last4 ON persons(phone_last4);

CREATE TABLE enterprises (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    township_code TEXT NOT NULL REFERENCES townships(code),
    industry TEXT NOT NULL,
    staff INTEGER,
    insured INTEGER,
    revenue_fen INTEGER,
    size_class TEXT NOT NULL,
    size_basis TEXT NOT NULL,
    contact_name TEXT,
    contact_phone_bidx BLOB,
    contact_phone_enc BLOB,
    contact_phone_masked TEXT,
    key_version INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX enterprises_township_name ON enterprises(township_code, name, id);
CREATE INDEX enterprises_name ON enterprises(name, id);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    township_code TEXT REFERENCES townships(code),
    enterprise_id BLOB REFERENCES enterprises(id),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    password_changed_at TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    first_failed_at TEXT,
    locked_until TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    last_login_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    reauth_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BLOB,
    actor_login TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_township TEXT,
    ip TEXT,
    request_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    result TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
