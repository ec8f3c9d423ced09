-- Citizens acting for themselves online (job-seeker self-registration now; online unemployment
-- registration and applications later): one-time SMS codes and short sessions (PostgreSQL dialect).

CREATE TABLE citizen_codes (
    ticket_hash BYTEA PRIMARY KEY,
    person_id UUID REFERENCES persons(id),
    phone_bidx BYTEA NOT NULL,
    code_hash BYTEA NOT NULL,
    purpose TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    used_at TIMESTAMPTZ
);
CREATE INDEX citizen_codes_phone ON citizen_codes(phone_bidx, created_at);

CREATE TABLE citizen_sessions (
    token_hash BYTEA PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    purpose TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX citizen_sessions_person ON citizen_sessions(person_id);

CREATE TRIGGER citizen_codes_no_delete BEFORE DELETE ON citizen_codes
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
