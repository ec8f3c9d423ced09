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
use jiuye_store::monitoring::{AlertRow, NewReport};
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
        let mut errors = Vec::new();
        let period = match parse_period(&input.period) {
            Ok((y, mo)) => {
                let today = self.clock.today();
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
        if errors.is_empty()
            && let Err(e) = validate(&f)
        {
            errors.extend(e);
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let previous = match previous_period(&period) {
            Some(p) => self.store.report(enterprise_id, &p).await?,
            None => None,
        };
        let prev_figures = previous.map(|r| Figures {
            headcount_start: r.headcount_start,
            new_hires: r.new_hires,
            separations: r.separations,
            layoffs: r.layoffs,
            headcount_end: r.headcount_end,
            insured: r.insured,
            vacancies: r.vacancies,
            production_status: r.production_status,
        });
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
        for finding in &found {
            let (alert, what) = tx.raise_alert(enterprise_id, &period, finding, &m.commissioner, now).await?;
            if what != "unchanged" {
                tx.alert_action(alert, what, &finding.message, "system:monitor", now).await?;
            }
        }
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
        let own = actor.role == Role::EnterpriseHr && actor.enterprise_id == Some(enterprise_id);
        if !own && !matches!(actor.role, Role::Admin | Role::BureauStaff) {
            return Err(AppError::Forbidden("裁员方案由企业报告，或由区人社局代为登记"));
        }
        let e = self.get_enterprise(actor, enterprise_id).await?;
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
        let missing = self.store.key_enterprises_without_report(&period).await?;
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
            (Role::TownshipClerk, _) => actor.township.clone(),
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
