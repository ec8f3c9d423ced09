-- Jobs: vacancies and their review, the search change feed, job seekers, pushes, the SMS outbox
-- (PostgreSQL dialect). Issue 4; POLICY.md §3.

ALTER TABLE enterprises ADD COLUMN status TEXT NOT NULL DEFAULT 'active';

CREATE TABLE vacancies (
    id UUID PRIMARY KEY,
    search_key BIGINT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    enterprise_id UUID REFERENCES enterprises(id),
    employer_name TEXT COLLATE "C" NOT NULL,
    title TEXT NOT NULL,
    occupation_code TEXT NOT NULL,
    posts BIGINT NOT NULL CHECK (posts > 0),
    filled BIGINT NOT NULL DEFAULT 0 CHECK (filled >= 0 AND filled <= posts),
    pay_min_yuan BIGINT NOT NULL CHECK (pay_min_yuan > 0),
    pay_max_yuan BIGINT NOT NULL CHECK (pay_max_yuan >= pay_min_yuan),
    education_min TEXT,
    experience_min_years BIGINT,
    work_type TEXT NOT NULL,
    township_code TEXT NOT NULL REFERENCES townships(code),
    address TEXT NOT NULL,
    description TEXT NOT NULL,
    how_to_apply TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    valid_until DATE NOT NULL,
    status TEXT NOT NULL,
    checks TEXT NOT NULL DEFAULT '[]',
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    reviewed_by TEXT,
    reviewed_at TIMESTAMPTZ,
    review_note TEXT,
    published_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    close_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX vacancies_status ON vacancies(status, published_at, id);
CREATE INDEX vacancies_enterprise ON vacancies(enterprise_id, status);
CREATE INDEX vacancies_township ON vacancies(township_code, status);
CREATE INDEX vacancies_valid_until ON vacancies(valid_until) WHERE status IN ('pending', 'published');

CREATE TABLE vacancy_events (
    id BIGSERIAL PRIMARY KEY,
    vacancy_id UUID NOT NULL REFERENCES vacancies(id),
    at TIMESTAMPTZ NOT NULL,
    actor_login TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vacancy_events_vacancy ON vacancy_events(vacancy_id, id);

-- Every change of a vacancy's searchable content or status, in commit order (writers are serialised
-- by the audit head lock). Search indexes of every server follow it.
CREATE TABLE vacancy_changes (
    seq BIGSERIAL PRIMARY KEY,
    vacancy_id UUID NOT NULL REFERENCES vacancies(id),
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX vacancy_changes_vacancy ON vacancy_changes(vacancy_id);

CREATE TABLE vacancy_exports (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_login TEXT NOT NULL,
    format TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    count BIGINT NOT NULL
);

CREATE TABLE job_seekers (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL UNIQUE REFERENCES persons(id),
    township_code TEXT NOT NULL REFERENCES townships(code),
    occupation_codes TEXT NOT NULL,
    skills TEXT NOT NULL DEFAULT '',
    pay_expect_yuan BIGINT,
    preferred_township TEXT REFERENCES townships(code),
    work_types TEXT NOT NULL DEFAULT '',
    experience_years BIGINT,
    prefers_sms BOOLEAN NOT NULL DEFAULT FALSE,
    share_consent BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    registered_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX job_seekers_township ON job_seekers(township_code, active);

CREATE TABLE pushes (
    id UUID PRIMARY KEY,
    vacancy_id UUID NOT NULL REFERENCES vacancies(id),
    seeker_id UUID NOT NULL REFERENCES job_seekers(id),
    score BIGINT NOT NULL,
    criteria TEXT NOT NULL,
    to_seeker_channel TEXT,
    to_seeker_at TIMESTAMPTZ,
    to_enterprise_at TIMESTAMPTZ,
    consent TEXT NOT NULL DEFAULT 'pending',
    outcome TEXT NOT NULL,
    outcome_at TIMESTAMPTZ NOT NULL,
    pushed_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (vacancy_id, seeker_id)
);
CREATE INDEX pushes_seeker ON pushes(seeker_id);

CREATE TABLE push_events (
    id BIGSERIAL PRIMARY KEY,
    push_id UUID NOT NULL REFERENCES pushes(id),
    at TIMESTAMPTZ NOT NULL,
    actor_login TEXT NOT NULL,
    event TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX push_events_push ON push_events(push_id, id);

CREATE TABLE sms_outbox (
    id BIGSERIAL PRIMARY KEY,
    person_id UUID REFERENCES persons(id),
    phone_bidx BYTEA NOT NULL,
    phone_enc BYTEA NOT NULL,
    phone_masked TEXT NOT NULL,
    key_version BIGINT NOT NULL,
    text TEXT NOT NULL,
    purpose TEXT NOT NULL,
    push_id UUID REFERENCES pushes(id),
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error TEXT,
    provider_message_id TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    sent_day TEXT
);
CREATE INDEX sms_outbox_due ON sms_outbox(status, next_attempt_at);
CREATE INDEX sms_outbox_phone_day ON sms_outbox(phone_bidx, sent_day);
CREATE INDEX sms_outbox_push ON sms_outbox(push_id);

CREATE TABLE sms_inbound (
    id BIGSERIAL PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL,
    phone_bidx BYTEA NOT NULL,
    phone_masked TEXT NOT NULL,
    text TEXT NOT NULL,
    reply TEXT NOT NULL,
    push_id UUID REFERENCES pushes(id),
    provider_message_id TEXT UNIQUE
);

CREATE TABLE sms_optout (
    phone_bidx BYTEA PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    source TEXT NOT NULL
);

CREATE TRIGGER vacancy_events_append_only BEFORE UPDATE OR DELETE ON vacancy_events
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER push_events_append_only BEFORE UPDATE OR DELETE ON push_events
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();

CREATE TRIGGER vacancy_events_no_truncate BEFORE TRUNCATE ON vacancy_events
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER push_events_no_truncate BEFORE TRUNCATE ON push_events
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
