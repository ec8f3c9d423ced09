-- Unemployment registration (失业登记) spells and the monthly follow-up contacts (measures (二十),
-- (二十二); issue 5) (SQLite dialect).

CREATE TABLE registrations (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    township_code TEXT NOT NULL REFERENCES townships(code),
    registered_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    closed_on TEXT,
    close_reason TEXT,
    close_note TEXT,
    closed_by TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (closed_on IS NULL OR closed_on >= registered_on)
);
-- One open spell per person: a second registration is a conflict to show, never a silent overwrite.
CREATE UNIQUE INDEX registrations_one_open ON registrations(person_id) WHERE closed_on IS NULL;
CREATE INDEX registrations_township_open ON registrations(township_code, registered_on) WHERE closed_on IS NULL;
CREATE INDEX registrations_person ON registrations(person_id, registered_on);

CREATE TABLE contacts (
    id BLOB PRIMARY KEY,
    registration_id BLOB NOT NULL REFERENCES registrations(id),
    contact_on TEXT NOT NULL,
    method TEXT NOT NULL,
    outcome TEXT NOT NULL,
    services TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX contacts_registration ON contacts(registration_id, contact_on);

CREATE TRIGGER contacts_no_update BEFORE UPDATE ON contacts
BEGIN SELECT RAISE(ABORT, 'contacts are append-only'); END;
CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts
BEGIN SELECT RAISE(ABORT, 'contacts are append-only'); END;
