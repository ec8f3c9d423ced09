-- The months in which each registration was contacted at least once (issue 7's follow-up coverage
-- figure, measure (二十二)'s "每月跟踪调查至少1次"), kept by a trigger as contacts are recorded, so a
-- refresh counts rows per township and month instead of sorting every contact for a COUNT(DISTINCT).
-- Contacts are append-only and a registration's township never changes, so the rows never change
-- either. `month` is 'YYYY-MM' of the contact date (a calendar date of the bureau's clock).
CREATE TABLE contact_months (
    registration_id BLOB NOT NULL REFERENCES registrations(id),
    month TEXT NOT NULL,
    township_code TEXT NOT NULL,
    PRIMARY KEY (registration_id, month)
) WITHOUT ROWID;
CREATE INDEX contact_months_township ON contact_months(township_code, month);

INSERT OR IGNORE INTO contact_months (registration_id, month, township_code)
SELECT c.registration_id, substr(c.contact_on, 1, 7), r.township_code
FROM contacts c JOIN registrations r ON r.id = c.registration_id;

CREATE TRIGGER contacts_month AFTER INSERT ON contacts
BEGIN
    INSERT OR IGNORE INTO contact_months (registration_id, month, township_code)
    SELECT NEW.registration_id, substr(NEW.contact_on, 1, 7), township_code FROM registrations WHERE id = NEW.registration_id;
END;

CREATE TRIGGER contact_months_no_update BEFORE UPDATE ON contact_months
BEGIN SELECT RAISE(ABORT, 'contact_months are append-only'); END;
CREATE TRIGGER contact_months_no_delete BEFORE DELETE ON contact_months
BEGIN SELECT RAISE(ABORT, 'contact_months are append-only'); END;
