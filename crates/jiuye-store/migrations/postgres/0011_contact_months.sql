-- The months in which each registration was contacted at least once (issue 7's follow-up coverage
-- figure, measure (二十二)'s "每月跟踪调查至少1次"), kept by a trigger as contacts are recorded, so a
-- refresh counts rows per township and month instead of sorting every contact for a COUNT(DISTINCT).
-- Contacts are append-only and a registration's township never changes, so the rows never change
-- either. `month` is 'YYYY-MM' of the contact date (a calendar date of the bureau's clock).
CREATE TABLE contact_months (
    registration_id UUID NOT NULL REFERENCES registrations(id),
    month TEXT NOT NULL,
    township_code TEXT NOT NULL,
    PRIMARY KEY (registration_id, month)
);
CREATE INDEX contact_months_township ON contact_months(township_code, month);

INSERT INTO contact_months (registration_id, month, township_code)
SELECT DISTINCT c.registration_id, to_char(c.contact_on, 'YYYY-MM'), r.township_code
FROM contacts c JOIN registrations r ON r.id = c.registration_id
ON CONFLICT DO NOTHING;

CREATE FUNCTION jiuye_contact_month() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contact_months (registration_id, month, township_code)
    SELECT NEW.registration_id, to_char(NEW.contact_on, 'YYYY-MM'), r.township_code FROM registrations r WHERE r.id = NEW.registration_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER contacts_month AFTER INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION jiuye_contact_month();

CREATE TRIGGER contact_months_append_only BEFORE UPDATE OR DELETE ON contact_months
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER contact_months_no_truncate BEFORE TRUNCATE ON contact_months
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
