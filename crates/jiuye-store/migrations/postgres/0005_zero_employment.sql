-- Zero-employment households (零就业家庭, measures (十六), (二十四)): derived from the members, never
-- typed in. One row per period a household was zero-employment; the open one has no cleared_on
-- (PostgreSQL dialect).

CREATE TABLE zero_employment (
    id BIGSERIAL PRIMARY KEY,
    household_id UUID NOT NULL REFERENCES households(id),
    township_code TEXT NOT NULL REFERENCES townships(code),
    started_on DATE NOT NULL,
    cleared_on DATE,
    cleared_reason TEXT,
    CHECK (cleared_on IS NULL OR cleared_on >= started_on)
);
CREATE UNIQUE INDEX zero_employment_open ON zero_employment(household_id) WHERE cleared_on IS NULL;
CREATE INDEX zero_employment_township ON zero_employment(township_code, cleared_on, started_on);

CREATE TRIGGER zero_employment_no_delete BEFORE DELETE OR TRUNCATE ON zero_employment
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
