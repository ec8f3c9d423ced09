-- Recognition of employment-difficult persons (就业困难人员认定, measures (十六), (二十四)): by
-- category, with the date, the evidence and the reviewer; revoked, never deleted.

CREATE TABLE difficult_recognitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id BLOB NOT NULL REFERENCES persons(id),
    category TEXT NOT NULL,
    recognized_on TEXT NOT NULL,
    evidence TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    revoked_on TEXT,
    revoke_reason TEXT,
    revoked_by TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX difficult_person ON difficult_recognitions(person_id, recognized_on);

CREATE TRIGGER difficult_recognitions_no_delete BEFORE DELETE ON difficult_recognitions
BEGIN SELECT RAISE(ABORT, 'recognitions are revoked, never deleted'); END;
