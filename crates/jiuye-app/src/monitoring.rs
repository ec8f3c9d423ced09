//! Enterprise employment monitoring (用工监测) and layoff early warning (issue 7): the bureau
//! chooses the enterprises to monitor, they (or staff) report each month, each report is checked
//! for consistency and raises graded alerts by the configurable thresholds of
//! `jiuye_domain::monitoring`; a key enterprise that has not reported after the window gets an
//! alert too, and so does a closure reported by another department (measure (二十)).
//! Each alert belongs to the enterprise's service commissioner (人社服务专员).

use jiuye_domain::monitoring::{Figures, Finding, Level, Thresholds, findings, validate};
use jiuye_domain::normalize::normalize;
use jiuye_domain::{DomainError, Role};
use jiuye_store::StoreError;
use jiuye_store::monitoring::{AlertRow, NewReport, ReportRecord};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::{Actor, App, AppError, AppResult};

/// The monitoring configuration: thresholds and the reporting window (days of the month).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct MonitorSettings {
    pub thresholds: Thresholds,
    /// Reports for month M are due from this day of month M+1…
    pub window_from_day: u8,
    /// …to this day; after it a key enterprise without a report raises an alert.
    pub window_to_day: u8,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        Self { thresholds: Thresholds::default(), window_from_day: 20, window_to_day: 24 }
    }
}

/// What a report form posts: every count as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReportInput {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub headcount_start: String,
    #[serde(default)]
    pub new_hires: String,
    #[serde(default)]
    pub separations: String,
    #[serde(default)]
    pub layoffs: String,
    #[serde(default)]
    pub headcount_end: String,
    #[serde(default)]
    pub insured: String,
    #[serde(default)]
    pub vacancies: String,
    #[serde(default)]
    pub production_status: String,
    #[serde(default)]
    pub difficulties: String,
    /// The version of the report being corrected (empty for a new report).
    #[serde(default)]
    pub version: String,
}

/// `YYYY-MM` of a valid month.
pub fn parse_period(s: &str) -> Result<(i32, time::Month), DomainError> {
    let err = || DomainError::new("报表月份", "report.period", format!("“{s}”不是有效月份，应为 2020-03 这样的年月"));
    let (y, m) = s.trim().split_once('-').ok_or_else(err)?;
    let y: i32 = y.parse().map_err(|_| err())?;
    let m: u8 = m.parse().map_err(|_| err())?;
    if !(2000..=2099).contains(&y) || y.to_string().len() != 4 {
        return Err(err());
    }
    Ok((y, time::Month::try_from(m).map_err(|_| err())?))
}

/// The instant (China Standard Time, as UTC) the reporting window of month `YYYY-MM` opens (day
/// `window_from_day` of the next month): an enterprise monitored from then on does not owe that
/// month's report; its first report is the next month's.
pub fn owed_if_monitored_before(s: &str, window_from_day: u8) -> Option<time::OffsetDateTime> {
    let (y, m) = parse_period(s).ok()?;
    let (y, m) = if m == time::Month::December { (y + 1, time::Month::January) } else { (y, m.next()) };
    let first = Date::from_calendar_date(y, m, window_from_day.clamp(1, 28)).ok()?;
    Some(first.midnight().assume_offset(crate::CST).to_offset(time::UtcOffset::UTC))
}

/// The month before `YYYY-MM`.
pub fn previous_period(s: &str) -> Option<String> {
    let (y, m) = parse_period(s).ok()?;
    let (y, m) = if m == time::Month::January { (y - 1, time::Month::December) } else { (y, m.previous()) };
    Some(format!("{y}-{:02}", u8::from(m)))
}

fn count(field: &'static str, s: &str, errors: &mut Vec<DomainError>) -> i64 {
    let t = s.trim();
    match t.parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            errors.push(DomainError::new(
                field,
                "report.number",
                if t.is_empty() { "请填写人数".to_string() } else { format!("“{t}”不是整数") },
            ));
            0
        }
    }
}

/// Checks a report as typed — the month (a valid one, not in the future as of `today`), every
/// count a whole number, then the consistency rules of `jiuye_domain::monitoring::validate` — and
/// returns the month as `YYYY-MM` with the figures. Every problem is listed, each naming its field.
/// The report form and the report import go through this same check.
pub fn check_report(input: &ReportInput, today: Date) -> Result<(String, Figures), Vec<DomainError>> {
    let mut errors = Vec::new();
    let period = match parse_period(&input.period) {
        Ok((y, mo)) => {
            if (y, u8::from(mo)) > (today.year(), u8::from(today.month())) {
                errors.push(DomainError::new("报表月份", "report.future", "不能填报未来月份"));
            }
            format!("{y}-{:02}", u8::from(mo))
        }
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let f = Figures {
        headcount_start: count("月初人数", &input.headcount_start, &mut errors),
        new_hires: count("新招用人数", &input.new_hires, &mut errors),
        separations: count("减员人数", &input.separations, &mut errors),
        layoffs: count("其中裁员人数", &input.layoffs, &mut errors),
        headcount_end: count("月末人数", &input.headcount_end, &mut errors),
        insured: count("参保人数", &input.insured, &mut errors),
        vacancies: if input.vacancies.trim().is_empty() { 0 } else { count("空岗数", &input.vacancies, &mut errors) },
        production_status: input.production_status.trim().to_string(),
    };
    if errors.is_empty() {
        if let Err(e) = validate(&f) {
            errors.extend(e);
        }
    } else if !jiuye_domain::monitoring::PRODUCTION_STATUSES.iter().any(|(c, _)| *c == f.production_status) {
        // The figures cannot be checked until they are numbers; the status can.
        errors.push(DomainError::new("生产经营状态", "report.status", "请选择生产经营状态"));
    }
    if errors.is_empty() { Ok((period, f)) } else { Err(errors) }
}

/// The figures of a stored report.
pub fn figures_of(r: &ReportRecord) -> Figures {
    Figures {
        headcount_start: r.headcount_start,
        new_hires: r.new_hires,
        separations: r.separations,
        layoffs: r.layoffs,
        headcount_end: r.headcount_end,
        insured: r.insured,
        vacancies: r.vacancies,
        production_status: r.production_status.clone(),
    }
}

/// Raises (or raises the level of) one alert per finding, each change recorded in the alert's
/// history as the system's. Returns the ids of the alerts.
pub(crate) async fn raise_findings(
    tx: &mut jiuye_store::WriteTx,
    enterprise_id: Uuid,
    period: &str,
    found: &[Finding],
    owner: &str,
    now: time::OffsetDateTime,
) -> AppResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(found.len());
    for finding in found {
        let (alert, what) = tx.raise_alert(enterprise_id, period, finding, owner, now).await?;
        if what != "unchanged" {
            tx.alert_action(alert, what, &finding.message, "system:monitor", now).await?;
        }
        ids.push(alert);
    }
    Ok(ids)
}

/// An alert as listed (`jiuye monitor alerts`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct AlertView {
    pub id: i64,
    pub enterprise_id: Uuid,
    pub enterprise: String,
    pub credit_code: String,
    pub township_code: String,
    pub township: &'static str,
    pub industry: String,
    pub period: String,
    pub rule: String,
    pub rule_label: &'static str,
    pub level: String,
    pub level_label: &'static str,
    pub message: String,
    pub status: String,
    pub owner: String,
}

fn view(a: AlertRow) -> AlertView {
    AlertView {
        township: jiuye_domain::division::township_name(&a.township_code).unwrap_or(""),
        rule_label: jiuye_domain::monitoring::rule_label(&a.rule),
        level_label: Level::from_code(&a.level).map(Level::label).unwrap_or(""),
        id: a.id,
        enterprise_id: a.enterprise_id,
        enterprise: a.name,
        credit_code: a.credit_code,
        township_code: a.township_code,
        industry: jiuye_domain::Industry::from_code(&a.industry).map(|i| i.label().to_string()).unwrap_or(a.industry),
        period: a.period,
        rule: a.rule,
        level: a.level,
        message: a.message,
        status: a.status,
        owner: a.owner,
    }
}

/// A layoff plan as an enterprise files it (measure (五)).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LayoffPlanInput {
    #[serde(default)]
    pub people: String,
    /// Staff at filing; empty: the registry's figure for the enterprise.
    #[serde(default)]
    pub staff_total: String,
    #[serde(default)]
    pub layoff_date: String,
    /// The day the union or all staff were told (向工会或者全体职工说明情况).
    #[serde(default)]
    pub notified_on: String,
    #[serde(default)]
    pub placement_plan: String,
}

/// The checks of a filed plan.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanCheck {
    pub plan_id: i64,
    pub notice_days: Option<i64>,
    pub notice_ok: bool,
    /// The Labour Contract Law art. 41 threshold is met: the 30-day notice and filing apply.
    pub statutory: bool,
    pub missing: Vec<String>,
    /// Alerts of the layoff month the plan was linked to.
    pub linked_alerts: Vec<i64>,
}

/// What saving a report did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportOutcome {
    pub report_id: i64,
    pub alerts: Vec<Finding>,
}

fn bureau(actor: &Actor) -> AppResult<()> {
    if matches!(actor.role, Role::Admin | Role::BureauStaff) {
        Ok(())
    } else {
        Err(AppError::Forbidden("用工监测由区人社局管理"))
    }
}

impl App {
    /// Adds an enterprise to monitoring (or changes its key flag and commissioner).
    pub async fn monitor_enterprise(
        &self,
        actor: &Actor,
        enterprise_id: Uuid,
        is_key: bool,
        commissioner: &str,
        reason: &str,
    ) -> AppResult<()> {
        bureau(actor)?;
        let e = self.get_enterprise(actor, enterprise_id).await?;
        let reason = normalize(reason);
        if reason.chars().count() < 2 {
            return Err(AppError::field("纳入监测原因", "monitor.reason", "请写明纳入监测的原因（如：重点企业、转型中的玻璃企业）"));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.upsert_monitored(e.id, is_key, &normalize(commissioner), &reason, (&actor.login, now)).await?;
        tx.audit(self.audit_entry(
            actor,
            "monitor.add",
            "enterprise",
            Some(e.id.to_string()),
            "ok",
            json!({"key": is_key, "commissioner": commissioner}),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves a monthly report (a new one, or a correction of the version given) and raises the
    /// alerts it triggers, in one transaction. Enterprise accounts report for their own
    /// enterprise; bureau staff and township clerks (their township) enter reports for any
    /// monitored enterprise.
    pub async fn submit_report(&self, actor: &Actor, enterprise_id: Uuid, input: &ReportInput) -> AppResult<ReportOutcome> {
        let own = actor.role == Role::EnterpriseHr && actor.enterprise_id == Some(enterprise_id);
        if !own && !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::TownshipClerk) {
            return Err(AppError::Forbidden("用工监测报表由监测企业或经办人员填报"));
        }
        self.get_enterprise(actor, enterprise_id).await?;
        let m = self.store.monitored(enterprise_id).await?.ok_or_else(|| AppError::Conflict("该企业未纳入用工监测".into()))?;
        let (period, f) = check_report(input, self.clock.today()).map_err(AppError::Validation)?;
        let previous = match previous_period(&period) {
            Some(p) => self.store.report(enterprise_id, &p).await?,
            None => None,
        };
        let prev_figures = previous.as_ref().map(figures_of);
        let found = findings(&f, prev_figures.as_ref(), &self.monitoring.thresholds);
        let version = match input.version.trim() {
            "" => None,
            v => Some(v.parse::<i64>().map_err(|_| AppError::BadInput("版本号无效".into()))?),
        };
        let now = self.now();
        let channel = if own { "online" } else { "window" };
        let difficulties = normalize(&input.difficulties);
        let mut tx = self.store.begin_write().await?;
        let existing = tx.report_for_update(enterprise_id, &period).await?;
        if existing.is_some() && version.is_none() {
            return Err(AppError::Conflict(format!("{period} 的报表已报送；如需更正，请在报表页面修改")));
        }
        let r = NewReport {
            enterprise_id,
            period: &period,
            figures: &f,
            difficulties: &difficulties,
            channel,
            reported_by: &actor.login,
            at: now,
        };
        let id = tx.save_report(&r, version).await.map_err(|e| match e {
            StoreError::Conflict => AppError::Conflict("报表已被他人修改，请刷新后重试".into()),
            other => other.into(),
        })?;
        raise_findings(&mut tx, enterprise_id, &period, &found, &m.commissioner, now).await?;
        tx.audit(self.audit_entry(
            actor,
            if existing.is_some() { "report.correct" } else { "report.submit" },
            "enterprise",
            Some(enterprise_id.to_string()),
            "ok",
            json!({"period": period, "figures": f, "previous": existing.map(|e| json!({"version": e.version, "headcount_end": e.headcount_end, "layoffs": e.layoffs})), "alerts": found.len()}),
        ))
        .await?;
        tx.commit().await?;
        Ok(ReportOutcome { report_id: id, alerts: found })
    }

    /// Files an economic-layoff plan (裁员方案备案, measure (五)): checks the 30-day notice to the
    /// union or all staff and the statutory threshold, lists what is missing, keeps the plan with
    /// its checks, and links it to the enterprise's alerts of the layoff month (a plan at the
    /// threshold raises the red `statutory_layoff` alert of that month if none exists).
    pub async fn file_layoff_plan(&self, actor: &Actor, enterprise_id: Uuid, input: &LayoffPlanInput) -> AppResult<PlanCheck> {
        let e = self.layoff_plan_enterprise(actor, enterprise_id).await?;
        let mut errors = Vec::new();
        let people = count("裁减人数", &input.people, &mut errors);
        if errors.is_empty() && people <= 0 {
            errors.push(DomainError::new("裁减人数", "plan.people", "裁减人数应大于0"));
        }
        let staff_total = match input.staff_total.trim() {
            "" => e.staff.unwrap_or(0),
            s => count("职工总数", s, &mut errors),
        };
        if errors.is_empty() && staff_total < people {
            errors.push(DomainError::new(
                "职工总数",
                "plan.staff",
                format!("职工总数{staff_total}人，少于裁减人数{people}人（名册未登记从业人数时请填写）"),
            ));
        }
        let layoff_date = crate::jobs::parse_date("裁员日期", &input.layoff_date).map_err(|e| errors.push(e)).ok();
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let Some(layoff_date) = layoff_date else { return Err(AppError::BadInput("裁员日期无效".into())) };
        let notified_on = match input.notified_on.trim() {
            "" => None,
            s => Some(crate::jobs::parse_date("说明情况日期", s).map_err(|e| AppError::Validation(vec![e]))?),
        };
        let t = &self.monitoring.thresholds;
        let statutory = jiuye_domain::monitoring::is_statutory_layoff(people, staff_total, t);
        let notice_days = notified_on.map(|n| (layoff_date - n).whole_days());
        let notice_ok = notice_days.is_some_and(jiuye_domain::monitoring::notice_days_ok);
        let placement = normalize(&input.placement_plan);
        let mut missing = Vec::new();
        match notice_days {
            None => missing.push("未填写向工会或全体职工说明情况的日期".to_string()),
            Some(d) if !notice_ok => missing.push(format!("说明情况至裁员只有{d}天，应提前30日（措施（五）、劳动合同法第四十一条）")),
            Some(_) => {}
        }
        if placement.chars().count() < 10 {
            missing.push("缺少职工安置方案（安置去向、经济补偿、社会保险接续）".to_string());
        }
        if notified_on.is_some_and(|n| n > self.clock.today()) {
            missing.push("说明情况日期晚于今天：请在说明后再报告".to_string());
        }
        let period = format!("{}-{:02}", layoff_date.year(), u8::from(layoff_date.month()));
        let owner = self.store.monitored(e.id).await?.map(|m| m.commissioner).unwrap_or_default();
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let plan = jiuye_store::monitoring::LayoffPlan {
            id: 0,
            enterprise_id: e.id,
            people,
            staff_total,
            layoff_date,
            notified_on,
            placement_plan: placement,
            notice_days,
            statutory,
            missing: serde_json::to_string(&missing).unwrap_or_else(|_| "[]".into()),
            filed_by: actor.login.clone(),
            filed_at: now,
        };
        let id = tx.insert_layoff_plan(&plan).await?;
        if statutory {
            let finding = Finding {
                rule: "statutory_layoff",
                level: Level::Red,
                message: format!("已报告裁员方案：{layoff_date}裁减{people}人（职工{staff_total}人），达到经济性裁员标准"),
            };
            tx.raise_alert(e.id, &period, &finding, &owner, now).await?;
        }
        let mut linked = Vec::new();
        for (alert, _) in tx.open_alerts(e.id, &period).await? {
            tx.alert_action(alert, "plan_filed", &format!("裁员方案第{id}号：裁减{people}人，{layoff_date}"), &actor.login, now).await?;
            linked.push(alert);
        }
        tx.audit(self.audit_entry(
            actor,
            "monitor.layoff_plan",
            "enterprise",
            Some(e.id.to_string()),
            "ok",
            json!({"plan": id, "people": people, "statutory": statutory, "notice_days": notice_days, "missing": missing.len()}),
        ))
        .await?;
        tx.commit().await?;
        Ok(PlanCheck { plan_id: id, notice_days, notice_ok, statutory, missing, linked_alerts: linked })
    }

    /// A closure, stoppage, merger or conversion reported by another department (measure (二十))
    /// raises a red alert at once for the current month.
    pub async fn report_closure(&self, actor: &Actor, enterprise_id: Uuid, what: &str, source: &str) -> AppResult<i64> {
        bureau(actor)?;
        let e = self.get_enterprise(actor, enterprise_id).await?;
        let (what, source) = (normalize(what), normalize(source));
        if what.chars().count() < 2 || source.chars().count() < 2 {
            return Err(AppError::field("通报内容", "monitor.closure", "请写明通报的情况（关闭、停产、合并、转产）和通报部门"));
        }
        let today = self.clock.today();
        let period = format!("{}-{:02}", today.year(), u8::from(today.month()));
        let owner = self.store.monitored(e.id).await?.map(|m| m.commissioner).unwrap_or_default();
        let finding = Finding { rule: "closure", level: Level::Red, message: format!("{source}通报：{what}") };
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let (id, _) = tx.raise_alert(e.id, &period, &finding, &owner, now).await?;
        tx.alert_action(id, "reported", &finding.message, &actor.login, now).await?;
        tx.audit(self.audit_entry(
            actor,
            "monitor.closure",
            "enterprise",
            Some(e.id.to_string()),
            "ok",
            json!({"what": what, "source": source}),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Raises `missing_report` alerts for key enterprises without last month's report once the
    /// window has closed. Idempotent. Returns how many were raised.
    pub async fn refresh_missing_report_alerts(&self, today: Date) -> AppResult<u64> {
        if today.day() <= self.monitoring.window_to_day {
            return Ok(0);
        }
        let (y, m) = (today.year(), today.month());
        let (y, m) = if m == time::Month::January { (y - 1, time::Month::December) } else { (y, m.previous()) };
        let period = format!("{y}-{:02}", u8::from(m));
        let Some(end) = owed_if_monitored_before(&period, self.monitoring.window_from_day) else { return Ok(0) };
        let missing = self.store.key_enterprises_without_report(&period, end).await?;
        if missing.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        let mut raised = 0;
        let mut tx = self.store.begin_write().await?;
        for e in &missing {
            let finding = Finding {
                rule: "missing_report",
                level: Level::Yellow,
                message: format!(
                    "重点企业{}月报表在报送期（{}日至{}日）内未报送",
                    period, self.monitoring.window_from_day, self.monitoring.window_to_day
                ),
            };
            let (id, what) = tx.raise_alert(e.enterprise_id, &period, &finding, &e.commissioner, now).await?;
            if what == "raised" {
                tx.alert_action(id, "raised", &finding.message, "system:monitor", now).await?;
                raised += 1;
            }
        }
        if raised > 0 {
            let system = Actor::system("system:monitor", "用工监测");
            tx.audit(self.audit_entry(&system, "monitor.missing_reports", "period", Some(period), "ok", json!({"raised": raised}))).await?;
        }
        tx.commit().await?;
        Ok(raised)
    }

    /// Alerts in the actor's scope (a clerk: their township), for a period and township.
    pub async fn monitor_alerts(&self, actor: &Actor, period: Option<&str>, township: Option<&str>) -> AppResult<Vec<AlertView>> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::TownshipClerk | Role::Leader) {
            return Err(AppError::Forbidden("当前角色不能查看用工监测预警"));
        }
        let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => {
                let (y, m) = parse_period(p).map_err(|e| AppError::Validation(vec![e]))?;
                Some(format!("{y}-{:02}", u8::from(m)))
            }
            None => None,
        };
        let township = match (actor.role, township.map(str::trim).filter(|t| !t.is_empty())) {
            // A clerk without a township sees nothing, never the district.
            (Role::TownshipClerk, _) => Some(actor.township.clone().unwrap_or_default()),
            (_, Some(t)) => Some(jiuye_domain::division::parse_township(t).map_err(|e| AppError::Validation(vec![e]))?.to_string()),
            (_, None) => None,
        };
        Ok(self.store.list_alerts(period.as_deref(), township.as_deref(), 10_000).await?.into_iter().map(view).collect())
    }
}

/// Open alerts counted by a key (township or industry) and level: (key, red, orange, yellow).
pub fn aggregate(alerts: &[AlertView], by_industry: bool) -> Vec<(String, usize, usize, usize)> {
    let mut m: std::collections::BTreeMap<String, (usize, usize, usize)> = std::collections::BTreeMap::new();
    for a in alerts.iter().filter(|a| a.status != "closed") {
        let key = if by_industry { a.industry.clone() } else { a.township.to_string() };
        let e = m.entry(key).or_insert((0, 0, 0));
        match a.level.as_str() {
            "red" => e.0 += 1,
            "orange" => e.1 += 1,
            _ => e.2 += 1,
        }
    }
    let mut v: Vec<_> = m.into_iter().map(|(k, (r, o, y))| (k, r, o, y)).collect();
    v.sort_by_key(|x| std::cmp::Reverse((x.1, x.2, x.3)));
    v
}

// ---- The pages' use cases (issue 7, second part): an enterprise's monitoring page, correcting a
// report, and the handling of alerts. Role and scope checks live here, not in the handlers.

/// Alert statuses as users read them.
pub fn status_label(code: &str) -> &'static str {
    match code {
        "open" => "待处理",
        "handling" => "处理中",
        "closed" => "已关闭",
        _ => "未知",
    }
}

/// What a person can record on an alert: (code, label).
pub const ALERT_ACTIONS: &[(&str, &str)] =
    &[("take", "接手处理"), ("contact", "电话联系企业"), ("visit", "上门走访"), ("close", "关闭预警"), ("reopen", "重新打开")];

/// Every entry of an alert's history as users read it, the system's entries included.
pub fn action_label(code: &str) -> &'static str {
    match code {
        "raised" => "系统预警",
        "level_raised" => "预警升级",
        "plan_filed" => "裁员方案备案",
        "reported" => "部门通报",
        other => ALERT_ACTIONS.iter().find(|(c, _)| *c == other).map(|(_, l)| *l).unwrap_or("其他"),
    }
}

/// How a report came in.
pub fn channel_label(code: &str) -> &'static str {
    match code {
        "online" => "企业网上报送",
        "window" => "窗口代报",
        "import" => "批量导入",
        _ => "其他",
    }
}

/// The actions allowed on an alert in a status: open → take it on, note a contact or visit, close;
/// handling → note, close; closed → reopen only.
pub fn allowed_actions(status: &str) -> Vec<(&'static str, &'static str)> {
    let codes: &[&str] = match status {
        "open" => &["take", "contact", "visit", "close"],
        "handling" => &["contact", "visit", "close"],
        "closed" => &["reopen"],
        _ => &[],
    };
    ALERT_ACTIONS.iter().copied().filter(|(c, _)| codes.contains(c)).collect()
}

/// One enterprise's monitoring as its page shows it, with what the actor may do there.
#[derive(Debug, Clone)]
pub struct EnterpriseMonitoring {
    pub enterprise: jiuye_store::enterprises::EnterpriseRecord,
    pub monitored: Option<jiuye_store::monitoring::MonitoredRecord>,
    /// Newest month first.
    pub reports: Vec<ReportRecord>,
    pub alerts: Vec<AlertView>,
    pub plans: Vec<jiuye_store::monitoring::LayoffPlan>,
    /// May add the enterprise to monitoring or change its key flag and commissioner (bureau).
    pub can_manage: bool,
    /// May submit and correct the monthly reports (when monitored): the enterprise's own account,
    /// bureau staff, the clerk of its township.
    pub can_report: bool,
    /// May file an economic-layoff plan for it: its own account, bureau staff.
    pub can_file_plan: bool,
    /// May open the alerts' history and record actions: bureau staff, the clerk of its township.
    pub can_handle_alerts: bool,
}

/// An entry of an alert's history.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AlertActionView {
    pub action: String,
    pub label: &'static str,
    pub note: String,
    pub actor: String,
    pub at: time::OffsetDateTime,
}

/// An alert with its whole history and what the actor may record on it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AlertDetail {
    pub alert: AlertView,
    pub status_label: &'static str,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
    /// Oldest first.
    pub history: Vec<AlertActionView>,
    pub can_act: bool,
    /// The actions allowed in the alert's status (empty when the actor may not act).
    pub actions: Vec<(&'static str, &'static str)>,
}

/// What the alert form posts.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AlertActionInput {
    #[serde(default)]
    pub action: String,
    /// The contact or visit noted, or the reason for closing or reopening.
    #[serde(default)]
    pub note: String,
    /// The status the form was shown with (optimistic check: empty skips it).
    #[serde(default)]
    pub status: String,
}

fn may_handle_alerts(role: Role) -> bool {
    matches!(role, Role::Admin | Role::BureauStaff | Role::TownshipClerk)
}

impl App {
    /// An enterprise's monitoring: status, reports, alerts and layoff plans. Staff and leaders see
    /// any enterprise, a clerk those of their township, an enterprise account its own (others are
    /// not found).
    pub async fn enterprise_monitoring(&self, actor: &Actor, enterprise_id: Uuid) -> AppResult<EnterpriseMonitoring> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::TownshipClerk | Role::Leader | Role::EnterpriseHr) {
            return Err(AppError::Forbidden("当前角色不能查看用工监测"));
        }
        let enterprise = self.get_enterprise(actor, enterprise_id).await?;
        let monitored = self.store.monitored(enterprise_id).await?;
        let reports = self.store.reports_of(enterprise_id, 240).await?;
        let alerts = self.store.alerts_of(enterprise_id, 500).await?.into_iter().map(view).collect();
        let plans = self.store.layoff_plans_of(enterprise_id).await?;
        let own = actor.role == Role::EnterpriseHr && actor.enterprise_id == Some(enterprise_id);
        let staff = matches!(actor.role, Role::Admin | Role::BureauStaff);
        Ok(EnterpriseMonitoring {
            can_manage: staff,
            can_report: monitored.is_some() && (own || staff || actor.role == Role::TownshipClerk),
            can_file_plan: own || staff,
            can_handle_alerts: may_handle_alerts(actor.role),
            enterprise,
            monitored,
            reports,
            alerts,
            plans,
        })
    }

    /// A stored report as the form's input, with its version, for a correction.
    pub async fn report_for_correction(&self, actor: &Actor, enterprise_id: Uuid, period: &str) -> AppResult<ReportInput> {
        // An enterprise account's scope is its own enterprise: another one is not found.
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::TownshipClerk | Role::EnterpriseHr) {
            return Err(AppError::Forbidden("用工监测报表由监测企业或经办人员填报"));
        }
        self.get_enterprise(actor, enterprise_id).await?;
        let (y, m) = parse_period(period).map_err(|e| AppError::Validation(vec![e]))?;
        let r = self.store.report(enterprise_id, &format!("{y}-{:02}", u8::from(m))).await?.ok_or(AppError::NotFound)?;
        Ok(ReportInput {
            period: r.period,
            headcount_start: r.headcount_start.to_string(),
            new_hires: r.new_hires.to_string(),
            separations: r.separations.to_string(),
            layoffs: r.layoffs.to_string(),
            headcount_end: r.headcount_end.to_string(),
            insured: r.insured.to_string(),
            vacancies: r.vacancies.to_string(),
            production_status: r.production_status,
            difficulties: r.difficulties,
            version: r.version.to_string(),
        })
    }

    /// The enterprise a layoff plan may be filed for: an enterprise account its own (another
    /// enterprise is not found), bureau staff any; other roles may not.
    pub async fn layoff_plan_enterprise(
        &self,
        actor: &Actor,
        enterprise_id: Uuid,
    ) -> AppResult<jiuye_store::enterprises::EnterpriseRecord> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::EnterpriseHr) {
            return Err(AppError::Forbidden("裁员方案由企业报告，或由区人社局代为登记"));
        }
        let e = self.get_enterprise(actor, enterprise_id).await?;
        if actor.role == Role::EnterpriseHr && actor.enterprise_id != Some(e.id) {
            return Err(AppError::NotFound);
        }
        Ok(e)
    }

    /// The alert if the actor may see it: staff and leaders any, a clerk those of their township
    /// (others are not found, and the attempt is audited), enterprise accounts none.
    async fn alert_in_scope(&self, actor: &Actor, id: i64) -> AppResult<AlertRow> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::TownshipClerk | Role::Leader) {
            return Err(AppError::Forbidden("当前角色不能查看用工监测预警"));
        }
        let row = self.store.alert(id).await?;
        match row {
            Some(a) if actor.role != Role::TownshipClerk || actor.township.as_deref() == Some(a.township_code.as_str()) => Ok(a),
            _ => {
                self.store
                    .audit_only(self.audit_entry(
                        actor,
                        "authz_denied",
                        "alert",
                        Some(id.to_string()),
                        "not_found_or_out_of_scope",
                        json!({}),
                    ))
                    .await?;
                Err(AppError::NotFound)
            }
        }
    }

    /// An alert with its full history (`alert_actions`, oldest first).
    pub async fn alert_detail(&self, actor: &Actor, id: i64) -> AppResult<AlertDetail> {
        let row = self.alert_in_scope(actor, id).await?;
        let history = self
            .store
            .alert_actions(id)
            .await?
            .into_iter()
            .map(|a| AlertActionView { label: action_label(&a.action), action: a.action, note: a.note, actor: a.actor, at: a.at })
            .collect();
        let can_act = may_handle_alerts(actor.role);
        Ok(AlertDetail {
            status_label: status_label(&row.status),
            created_at: row.created_at,
            updated_at: row.updated_at,
            actions: if can_act { allowed_actions(&row.status) } else { Vec::new() },
            can_act,
            history,
            alert: view(row),
        })
    }

    /// Records an action on an alert: take it on (open → handling), note a contact or a visit
    /// (an open alert becomes handling), close it with a reason, or reopen a closed one with a
    /// reason. The history is append-only; each action is audited. The status the form was shown
    /// with is checked, so two people acting at once cannot overwrite each other. Returns the new
    /// status.
    pub async fn act_on_alert(&self, actor: &Actor, id: i64, input: &AlertActionInput) -> AppResult<&'static str> {
        if !may_handle_alerts(actor.role) {
            return Err(AppError::Forbidden("预警由人社服务专员、区人社局或乡镇窗口处理"));
        }
        let row = self.alert_in_scope(actor, id).await?;
        let action = input.action.trim();
        let Some(&(action, label)) = ALERT_ACTIONS.iter().find(|(c, _)| *c == action) else {
            return Err(AppError::field("处理方式", "alert.action", "请选择处理方式"));
        };
        let note = normalize(&input.note);
        if note.chars().count() > 1000 {
            return Err(AppError::field("情况说明", "alert.note_long", "情况说明不能超过1000字"));
        }
        let required = match action {
            "contact" | "visit" => Some("请记录联系或走访的情况（对象、企业用工情况、需要的帮助）"),
            "close" => Some("关闭预警须写明原因（如：企业已妥善安置职工、裁员方案已备案并落实）"),
            "reopen" => Some("重新打开须写明原因"),
            _ => None,
        };
        if let Some(msg) = required
            && note.chars().count() < 2
        {
            return Err(AppError::field("情况说明", "alert.note", msg));
        }
        let expected = input.status.trim();
        if !expected.is_empty() && expected != row.status {
            return Err(AppError::Conflict(format!(
                "该预警已被他人处理，当前状态为“{}”，您的“{label}”未保存；请查看最新处理记录后再操作",
                status_label(&row.status)
            )));
        }
        let to = match (row.status.as_str(), action) {
            ("open", "take" | "contact" | "visit") | ("handling", "contact" | "visit") => "handling",
            ("open" | "handling", "close") => "closed",
            ("closed", "reopen") => "open",
            ("handling", "take") => return Err(AppError::Conflict("该预警已在处理中".into())),
            ("closed", _) => return Err(AppError::Conflict("该预警已关闭；如需继续跟进，请先重新打开（须写明原因）".into())),
            (_, "reopen") => return Err(AppError::Conflict("该预警未关闭，无需重新打开".into())),
            _ => return Err(AppError::Conflict(format!("当前状态（{}）下不能{label}", status_label(&row.status)))),
        };
        // Taking on an alert without a commissioner makes the taker its owner.
        let owner = (action == "take" && row.owner.trim().is_empty()).then(|| actor.display_name.clone());
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.set_alert_status(id, &row.status, to, owner.as_deref(), now).await.map_err(|e| match e {
            StoreError::Conflict => AppError::Conflict("该预警刚被他人处理，您的操作未保存；请刷新后查看最新处理记录".into()),
            other => other.into(),
        })?;
        tx.alert_action(id, action, &note, &actor.login, now).await?;
        tx.audit(self.audit_entry(
            actor,
            &format!("alert.{action}"),
            "alert",
            Some(id.to_string()),
            "ok",
            // The note stays in the alert's history only: free text may name people or phones,
            // which the audit log never holds in clear (R25).
            json!({"enterprise": row.enterprise_id, "period": row.period, "rule": row.rule, "from": row.status, "to": to, "note_chars": note.chars().count()}),
        ))
        .await?;
        tx.commit().await?;
        Ok(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert!(parse_period("2020-03").is_ok());
        assert!(parse_period("2020-13").is_err());
        assert!(parse_period("20-03").is_err());
        assert_eq!(previous_period("2020-01").as_deref(), Some("2019-12"));
        assert_eq!(previous_period("2020-03").as_deref(), Some("2020-02"));
    }
}
