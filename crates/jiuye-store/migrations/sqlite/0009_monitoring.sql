-- Enterprise employment monitoring and layoff early warning (issue 7, measures (三十), (三十二)).

-- Enterprises the bureau monitors: key enterprises (重点企业) and any it adds, with the service
-- commissioner (人社服务专员) who owns their alerts.
CREATE TABLE monitored_enterprises (
    enterprise_id BLOB PRIMARY KEY REFERENCES enterprises(id),
    is_key INTEGER NOT NULL DEFAULT 0,
    commissioner TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);

-- One report per enterprise and month; a correction replaces the figures and bumps the version
-- (the previous figures are kept in the audit log's detail).
CREATE TABLE monthly_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id BLOB NOT NULL REFERENCES enterprises(id),
    period TEXT NOT NULL,
    headcount_start INTEGER NOT NULL,
    new_hires INTEGER NOT NULL,
    separations INTEGER NOT NULL,
    layoffs INTEGER NOT NULL,
    headcount_end INTEGER NOT NULL,
    insured INTEGER NOT NULL,
    vacancies INTEGER NOT NULL,
    production_status TEXT NOT NULL,
    difficulties TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enterprise_id, period),
    CHECK (headcount_start >= 0 AND new_hires >= 0 AND separations >= 0 AND layoffs >= 0 AND headcount_end >= 0 AND insured >= 0 AND vacancies >= 0),
    CHECK (layoffs <= separations),
    CHECK (headcount_start + new_hires - separations = headcount_end)
);
CREATE INDEX monthly_reports_period ON monthly_reports(period, enterprise_id);

-- Alerts: one per enterprise, month and rule; the level may rise when a report is corrected.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id BLOB NOT NULL REFERENCES enterprises(id),
    period TEXT NOT NULL,
    rule TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('yellow', 'orange', 'red')),
    message TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'handling', 'closed')),
    owner TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (enterprise_id, period, rule)
);
CREATE INDEX alerts_period ON alerts(period, level);

CREATE TABLE alert_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    action TEXT NOT NULL,
    note TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX alert_actions_alert ON alert_actions(alert_id, id);
CREATE TRIGGER alert_actions_append_only_u BEFORE UPDATE ON alert_actions BEGIN SELECT RAISE(ABORT, 'alert_actions is append-only'); END;
CREATE TRIGGER alert_actions_append_only_d BEFORE DELETE ON alert_actions BEGIN SELECT RAISE(ABORT, 'alert_actions is append-only'); END;
CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts BEGIN SELECT RAISE(ABORT, 'alerts are closed, never deleted'); END;

-- Economic-layoff plans filed with the bureau (裁员方案备案, measure (五)): the checks' result is
-- kept with the plan (notice days, whether the statutory threshold is met, what is missing).
CREATE TABLE layoff_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id BLOB NOT NULL REFERENCES enterprises(id),
    people INTEGER NOT NULL CHECK (people > 0),
    staff_total INTEGER NOT NULL CHECK (staff_total > 0),
    layoff_date TEXT NOT NULL,
    notified_on TEXT,
    placement_plan TEXT NOT NULL,
    notice_days INTEGER,
    statutory INTEGER NOT NULL,
    missing TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_at TEXT NOT NULL
);
CREATE INDEX layoff_plans_enterprise ON layoff_plans(enterprise_id, layoff_date);
CREATE TRIGGER layoff_plans_no_delete BEFORE DELETE ON layoff_plans BEGIN SELECT RAISE(ABORT, 'layoff plans are kept'); END;
