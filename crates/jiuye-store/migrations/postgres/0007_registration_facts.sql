-- Facts of a registration the rules read (issue 5 → issue 3): insured unemployed, entitled to
-- unemployment benefit, and the day the benefit ended (PostgreSQL dialect). Unknown stays NULL.

ALTER TABLE registrations ADD COLUMN insured BOOLEAN;
ALTER TABLE registrations ADD COLUMN benefit_entitled BOOLEAN;
ALTER TABLE registrations ADD COLUMN benefit_ended_on DATE;
