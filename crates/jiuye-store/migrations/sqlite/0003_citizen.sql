-- Citizens acting for themselves online (job-seeker self-registration now; online unemployment
-- registration and applications later): one-time SMS codes and short sessions (SQLite dialect).

CREATE TABLE citizen_codes (
    ticket_hash BLOB PRIMARY KEY,
    person_id BLOB REFERENCES persons(id),
    phone_bidx BLOB NOT NULL,
    code_hash BLOB NOT NULL,
    purpose TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at TEXT
);
CREATE INDEX citizen_codes_phone ON citizen_codes(phone_bidx, created_at);

CREATE TABLE citizen_sessions (
    token_hash BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    purpose TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX citizen_sessions_person ON citizen_sessions(person_id);

CREATE TRIGGER citizen_codes_no_delete BEFORE DELETE ON citizen_codes
BEGIN SELECT RAISE(ABORT, 'citizen_codes are kept for the audit of identity checks'); END;
