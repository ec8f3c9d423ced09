-- Registry, accounts, sessions and the audit chain (PostgreSQL dialect).

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
    id UUID PRIMARY KEY,
    household_no TEXT NOT NULL UNIQUE,
    township_code TEXT NOT NULL REFERENCES townships(code),
    village_code TEXT REFERENCES villages(code),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX households_township ON households(township_code, household_no);

CREATE TABLE persons (
    id UUID PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    id_bidx BYTEA NOT NULL UNIQUE,
    id_enc BYTEA NOT NULL,
    id_masked TEXT NOT NULL,
    id_last4 TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date DATE NOT NULL,
    phone_bidx BYTEA,
    phone_enc BYTEA,
    phone_masked TEXT,
    phone_last4 TEXT,
    township_code TEXT NOT NULL REFERENCES townships(code),
    village_code TEXT REFERENCES villages(code),
    household_id UUID REFERENCES households(id),
    tags TEXT NOT NULL DEFAULT '',
    education TEXT,
    graduation_date DATE,
    employment_status TEXT NOT NULL DEFAULT 'unknown',
    key_version BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX persons_township_name ON persons(township_code, name, id);
CREATE INDEX persons_name ON persons(name, id);
CREATE INDEX persons_household ON persons(household_id);
CREATE INDEX persons_id_last4 ON persons(id_last4);
CREATE INDEX persons_phone_bidx ON persons(phone_bidx);
CREATE INDEX persons_phone_last4 ON persons(phone_last4);

CREATE TABLE enterprises (
    id UUID PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    township_code TEXT NOT NULL REFERENCES townships(code),
    industry TEXT NOT NULL,
    staff BIGINT,
    insured BIGINT,
    revenue_fen BIGINT,
    size_class TEXT NOT NULL,
    size_basis TEXT NOT NULL,
    contact_name TEXT,
    contact_phone_bidx BYTEA,
    contact_phone_enc BYTEA,
    contact_phone_masked TEXT,
    key_version BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX enterprises_township_name ON enterprises(township_code, name, id);
CREATE INDEX enterprises_name ON enterprises(name, id);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    township_code TEXT REFERENCES townships(code),
    enterprise_id UUID REFERENCES enterprises(id),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    first_failed_at TIMESTAMPTZ,
    locked_until TIMESTAMPTZ,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    last_login_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    reauth_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
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

CREATE FUNCTION jiuye_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
