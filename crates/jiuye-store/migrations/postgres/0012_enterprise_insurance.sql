-- The unemployment-insurance agency's yearly statement of each enterprise (参保缴费数据), imported
-- by the bureau from the agency's export (issues 5 and 7): whether the enterprise takes part in
-- unemployment insurance, its insured staff, the unemployment-insurance contributions actually
-- paid in the year (enterprise and staff), and the social-insurance contributions due per month.
-- They are the facts the stable-post refund (measure (二)) reads, so the registry scan can find
-- eligible enterprises without an application. One row per enterprise and calendar year; a newer
-- statement of the same year replaces the figures (version + 1, audited with before and after).
-- Enterprise figures, no personal data (DATA_INVENTORY: financial, enterprise).
CREATE TABLE enterprise_insurance (
    enterprise_id UUID NOT NULL REFERENCES enterprises(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    unemployment_insured BOOLEAN NOT NULL,
    insured_staff BIGINT NOT NULL CHECK (insured_staff >= 0),
    ui_paid_fen BIGINT NOT NULL CHECK (ui_paid_fen >= 0),
    monthly_si_due_fen BIGINT NOT NULL CHECK (monthly_si_due_fen >= 0),
    source TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (enterprise_id, year)
);
CREATE INDEX enterprise_insurance_year ON enterprise_insurance(year);
