-- Enterprise employment monitoring and layoff early warning (issue 7, measures (三十), (三十二)).

-- Enterprises the bureau monitors: key enterprises (重点企业) and any it adds, with the service
-- commissioner (人社服务专员) who owns their alerts.
CREATE TABLE monitored_enterprises (
    enterprise_id UUID PRIMARY KEY REFERENCES enterprises(id),
    is_key BOOLEAN NOT NULL DEFAULT FALSE,
    commissioner TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL
);

-- One report per enterprise and month; a correction replaces the figures and bumps the version
-- (the previous figures are kept in the audit log's detail).
CREATE TABLE monthly_reports (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id UUID NOT NULL REFERENCES enterprises(id),
    period TEXT NOT NULL,
    headcount_start BIGINT NOT NULL,
    new_hires BIGINT NOT NULL,
    separations BIGINT NOT NULL,
    layoffs BIGINT NOT NULL,
    headcount_end BIGINT NOT NULL,
    insured BIGINT NOT NULL,
    vacancies BIGINT NOT NULL,
    production_status TEXT NOT NULL,
    difficulties TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (enterprise_id, period),
    CHECK (headcount_start >= 0 AND new_hires >= 0 AND separations >= 0 AND layoffs >= 0 AND headcount_end >= 0 AND insured >= 0 AND vacancies >= 0),
    CHECK (layoffs <= separations),
    CHECK (headcount_start + new_hires - separations = headcount_end)
);
CREATE INDEX monthly_reports_period ON monthly_reports(period, enterprise_id);

-- Alerts: one per enterprise, month and rule; the level may rise when a report is corrected.
CREATE TABLE alerts (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id UUID NOT NULL REFERENCES enterprises(id),
    period TEXT NOT NULL,
    rule TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('yellow', 'orange', 'red')),
    message TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'handling', 'closed')),
    owner TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (enterprise_id, period, rule)
);
CREATE INDEX alerts_period ON alerts(period, level);

CREATE TABLE alert_actions (
    id BIGSERIAL PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alerts(id),
    action TEXT NOT NULL,
    note TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX alert_actions_alert ON alert_actions(alert_id, id);
CREATE TRIGGER alert_actions_append_only BEFORE UPDATE OR DELETE ON alert_actions
    FOR EACH ROW EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER alert_actions_no_truncate BEFORE TRUNCATE ON alert_actions
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
CREATE TRIGGER alerts_no_delete BEFORE DELETE OR TRUNCATE ON alerts
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();

-- Economic-layoff plans filed with the bureau (裁员方案备案, measure (五)): the checks' result is
-- kept with the plan (notice days, whether the statutory threshold is met, what is missing).
CREATE TABLE layoff_plans (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id UUID NOT NULL REFERENCES enterprises(id),
    people BIGINT NOT NULL CHECK (people > 0),
    staff_total BIGINT NOT NULL CHECK (staff_total > 0),
    layoff_date DATE NOT NULL,
    notified_on DATE,
    placement_plan TEXT NOT NULL,
    notice_days BIGINT,
    statutory BOOLEAN NOT NULL,
    missing TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX layoff_plans_enterprise ON layoff_plans(enterprise_id, layoff_date);
CREATE TRIGGER layoff_plans_no_delete BEFORE DELETE OR TRUNCATE ON layoff_plans
    FOR EACH STATEMENT EXECUTE FUNCTION jiuye_append_only();
