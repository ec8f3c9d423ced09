-- Unemployment registration (失业登记) spells and the monthly follow-up contacts (measures (二十),
-- (二十二); issue 5) (PostgreSQL dialect).

CREATE TABLE registrations (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    township_code TEXT NOT NULL REFERENCES townships(code),
    registered_on DATE NOT NULL,
    channel TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    closed_on DATE,
    close_reason TEXT,
    close_note TEXT,
    closed_by TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (closed_on IS NULL OR closed_on >= registered_on)
);
-- One open spell per person: a second registration is a conflict to show, never a silent overwrite.
CREATE UNIQUE INDEX registrations_one_open ON registrations(person_id) WHERE closed_on IS NULL;
CREATE INDEX registrations_township_open ON registrations(township_code, registered_on) WHERE closed_on IS NULL;
CREATE INDEX registrations_person ON registrations(person_id, registered_on);

CREATE TABLE contacts (
    id UUID PRIMARY KEY,
    registration_id UUID NOT NULL REFERENCES registrations(id),
    contact_on DATE NOT NULL,
    method TEXT NOT NULL,
    outcome TEXT NOT NULL,
    services TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX contacts_registration ON contacts(registration_id, contact_on);

CREATE TRIGGER contacts_append_only BEFORE UPDATE OR DELETE ON contacts
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER contacts_no_truncate BEFORE TRUNCATE ON contacts
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
