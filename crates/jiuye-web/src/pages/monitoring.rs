//! Layoff early warning (issue 7): the alerts of monitored enterprises with the district view by
//! township and industry, so that a large-scale unemployment risk (规模性失业风险) shows early;
//! an enterprise's monitoring page (status, the monthly report form and its corrections, history,
//! alerts, layoff plans); an alert's history and actions; layoff-plan filing; the report import.
//! Who may do what is decided in `jiuye_app::monitoring`; the handlers only render.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::import::ImportOptions;
use jiuye_app::monitoring::{
    AlertActionInput, AlertView, LayoffPlanInput, ReportInput, aggregate, channel_label, parse_period, status_label,
};
use jiuye_app::monitoring_import::{ReportImport, can_import_reports};
use jiuye_domain::monitoring::{PRODUCTION_STATUSES, production_label, rule_label};
use uuid::Uuid;

use super::persons::xlsx_download;
use super::{Nav, Opt, local_time, opts, township_opts};
use crate::AppState;
use crate::auth::Staff;
use crate::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "monitoring.html")]
struct AlertsPage {
    nav: Option<Nav>,
    period: String,
    townships: Vec<Opt>,
    alerts: Vec<AlertView>,
    by_township: Vec<(String, usize, usize, usize)>,
    by_industry: Vec<(String, usize, usize, usize)>,
    red: usize,
    orange: usize,
    yellow: usize,
    can_import: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(default)]
    period: String,
    #[serde(default)]
    township: String,
}

pub async fn alerts(State(s): State<AppState>, staff: Staff, Query(p): Query<Params>) -> Result<Response, PageError> {
    let alerts = s.app.monitor_alerts(staff.actor(), Some(&p.period), Some(&p.township)).await.map_err(|e| staff.err(e))?;
    let count = |l: &str| alerts.iter().filter(|a| a.level == l && a.status != "closed").count();
    Ok(AlertsPage {
        nav: Nav::of(&staff),
        townships: township_opts(&p.township),
        by_township: aggregate(&alerts, false),
        by_industry: aggregate(&alerts, true),
        red: count("red"),
        orange: count("orange"),
        yellow: count("yellow"),
        can_import: can_import_reports(staff.actor().role),
        period: p.period,
        alerts,
    }
    .into_response())
}

// ---- Writing monitoring data (issue 7, second part): the enterprise's monitoring page with the
// report form and its corrections, alert handling, layoff-plan filing and the report import.

/// One input of the report form with its value and the errors next to it.
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub error: String,
    pub hint: &'static str,
}

/// The report form's numeric fields: (form name, label as the checks name it, hint).
const COUNT_FIELDS: [(&str, &str, &str); 7] = [
    ("headcount_start", "月初人数", "上月末的在职职工人数"),
    ("new_hires", "新招用人数", "本月新签劳动合同的人数"),
    ("separations", "减员人数", "本月离职、退休、解除合同等全部减少人数"),
    ("layoffs", "其中裁员人数", "减员中由企业裁减的人数（经济性裁员等）"),
    ("headcount_end", "月末人数", "应等于 月初 + 新招用 − 减员"),
    ("insured", "参保人数", "月末在本企业参加社会保险的人数"),
    ("vacancies", "空岗数", "尚未招到人的岗位数，没有填0"),
];

/// Errors by field label; what matches no field is shown above the form only.
fn error_of(errors: &[(String, String)], label: &str) -> String {
    errors.iter().filter(|(f, _)| f == label).map(|(_, m)| m.as_str()).collect::<Vec<_>>().join("；")
}

fn report_fields(input: &ReportInput, errors: &[(String, String)]) -> Vec<FieldView> {
    let value = |name: &str| match name {
        "headcount_start" => input.headcount_start.clone(),
        "new_hires" => input.new_hires.clone(),
        "separations" => input.separations.clone(),
        "layoffs" => input.layoffs.clone(),
        "headcount_end" => input.headcount_end.clone(),
        "insured" => input.insured.clone(),
        _ => input.vacancies.clone(),
    };
    COUNT_FIELDS
        .iter()
        .map(|&(name, label, hint)| FieldView { name, label, value: value(name), error: error_of(errors, label), hint })
        .collect()
}

pub struct ReportRow {
    pub period: String,
    pub f: jiuye_domain::monitoring::Figures,
    pub status: &'static str,
    pub difficulties: String,
    pub channel: &'static str,
    pub reported_by: String,
    pub reported_at: String,
    pub version: i64,
}

pub struct AlertLine {
    pub id: i64,
    pub period: String,
    pub level: String,
    pub level_label: &'static str,
    pub rule_label: &'static str,
    pub message: String,
    pub status: &'static str,
    pub owner: String,
}

pub struct PlanRow {
    pub id: i64,
    pub people: i64,
    pub staff_total: i64,
    pub layoff_date: String,
    pub notified_on: String,
    pub notice_days: String,
    pub statutory: bool,
    pub missing: Vec<String>,
    pub filed_by: String,
    pub filed_at: String,
}

pub struct FindingView {
    pub level: &'static str,
    pub level_label: &'static str,
    pub rule_label: &'static str,
    pub message: String,
}

/// What was just saved, shown above the form.
pub struct Saved {
    pub period: String,
    pub corrected: bool,
    pub alerts: Vec<FindingView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "monitoring_enterprise.html")]
struct EnterprisePage {
    nav: Option<Nav>,
    csrf: String,
    id: Uuid,
    name: String,
    credit_code: String,
    township: String,
    industry: String,
    monitored: bool,
    is_key: bool,
    commissioner: String,
    reason: String,
    can_manage: bool,
    manage_errors: Vec<String>,
    manage_key: bool,
    manage_commissioner: String,
    manage_reason: String,
    can_report: bool,
    correcting: String,
    version: String,
    period: String,
    period_error: String,
    fields: Vec<FieldView>,
    statuses: Vec<Opt>,
    status_error: String,
    difficulties: String,
    difficulties_error: String,
    errors: Vec<String>,
    conflict: String,
    conflict_link: String,
    saved: Option<Saved>,
    reports: Vec<ReportRow>,
    alerts: Vec<AlertLine>,
    alert_links: bool,
    plans: Vec<PlanRow>,
    can_file_plan: bool,
}

/// What the page shows besides the stored data: the form's content and the outcome of a post.
#[derive(Default)]
struct PageState {
    input: Option<ReportInput>,
    errors: Vec<(String, String)>,
    conflict: Option<String>,
    saved: Option<Saved>,
    manage: Option<(MonitorForm, Vec<String>)>,
}

fn last_month(today: time::Date) -> String {
    let (y, m) = if today.month() == time::Month::January {
        (today.year() - 1, time::Month::December)
    } else {
        (today.year(), today.month().previous())
    };
    format!("{y}-{:02}", u8::from(m))
}

fn alert_line(a: &AlertView) -> AlertLine {
    AlertLine {
        id: a.id,
        period: a.period.clone(),
        level: a.level.clone(),
        level_label: a.level_label,
        rule_label: a.rule_label,
        message: a.message.clone(),
        status: status_label(&a.status),
        owner: a.owner.clone(),
    }
}

fn plan_row(p: &jiuye_store::monitoring::LayoffPlan) -> PlanRow {
    PlanRow {
        id: p.id,
        people: p.people,
        staff_total: p.staff_total,
        layoff_date: p.layoff_date.to_string(),
        notified_on: p.notified_on.map(|d| d.to_string()).unwrap_or_else(|| "未填".into()),
        notice_days: p.notice_days.map(|d| format!("{d}天")).unwrap_or_else(|| "—".into()),
        statutory: p.statutory,
        missing: serde_json::from_str(&p.missing).unwrap_or_default(),
        filed_by: p.filed_by.clone(),
        filed_at: local_time(p.filed_at),
    }
}

async fn enterprise_page(s: &AppState, staff: &Staff, id: Uuid, st: PageState) -> Result<Response, PageError> {
    let m = s.app.enterprise_monitoring(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let e = &m.enterprise;
    let input = st.input.unwrap_or_else(|| ReportInput { period: last_month(s.app.clock.today()), ..Default::default() });
    // Every error is listed above the form; those of a field are shown next to it too.
    let errors: Vec<String> = st.errors.iter().map(|(f, m)| format!("{f}：{m}")).collect();
    let status = if st.conflict.is_some() {
        StatusCode::CONFLICT
    } else if !st.errors.is_empty() || st.manage.as_ref().is_some_and(|(_, e)| !e.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let conflict_link = match (&st.conflict, parse_period(&input.period)) {
        (Some(_), Ok((y, mo))) if m.reports.iter().any(|r| r.period == format!("{y}-{:02}", u8::from(mo))) => {
            format!("/enterprises/{id}/monitoring?correct={y}-{:02}#report-form", u8::from(mo))
        }
        _ => String::new(),
    };
    let (manage_key, manage_commissioner, manage_reason, manage_errors) = match st.manage {
        Some((f, errs)) => (f.is_key == "1", f.commissioner, f.reason, errs),
        None => match &m.monitored {
            Some(x) => (x.is_key, x.commissioner.clone(), x.reason.clone(), Vec::new()),
            None => (false, String::new(), String::new(), Vec::new()),
        },
    };
    let page = EnterprisePage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        id,
        name: e.name.clone(),
        credit_code: e.credit_code.clone(),
        township: e.township_name.clone(),
        industry: jiuye_domain::Industry::from_code(&e.industry).map(|i| i.label().to_string()).unwrap_or_else(|| e.industry.clone()),
        monitored: m.monitored.is_some(),
        is_key: m.monitored.as_ref().is_some_and(|x| x.is_key),
        commissioner: m.monitored.as_ref().map(|x| x.commissioner.clone()).unwrap_or_default(),
        reason: m.monitored.as_ref().map(|x| x.reason.clone()).unwrap_or_default(),
        can_manage: m.can_manage,
        manage_errors,
        manage_key,
        manage_commissioner,
        manage_reason,
        can_report: m.can_report,
        correcting: if input.version.trim().is_empty() { String::new() } else { input.period.clone() },
        version: input.version.clone(),
        period: input.period.clone(),
        period_error: error_of(&st.errors, "报表月份"),
        fields: report_fields(&input, &st.errors),
        statuses: opts(PRODUCTION_STATUSES.iter().copied(), input.production_status.trim()),
        status_error: error_of(&st.errors, "生产经营状态"),
        difficulties: input.difficulties.clone(),
        difficulties_error: error_of(&st.errors, "困难和问题"),
        errors,
        conflict: st.conflict.unwrap_or_default(),
        conflict_link,
        saved: st.saved,
        reports: m
            .reports
            .iter()
            .map(|r| ReportRow {
                period: r.period.clone(),
                f: jiuye_app::monitoring::figures_of(r),
                status: production_label(&r.production_status),
                difficulties: r.difficulties.clone(),
                channel: channel_label(&r.channel),
                reported_by: r.reported_by.clone(),
                reported_at: local_time(r.reported_at),
                version: r.version,
            })
            .collect(),
        alerts: m.alerts.iter().map(alert_line).collect(),
        alert_links: m.can_handle_alerts || staff.actor().role == jiuye_domain::Role::Leader,
        plans: m.plans.iter().map(plan_row).collect(),
        can_file_plan: m.can_file_plan,
    };
    Ok((status, page).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct EnterpriseParams {
    /// A month whose stored report pre-fills the form for a correction.
    #[serde(default)]
    correct: String,
}

/// `GET /enterprises/{id}/monitoring[?correct=YYYY-MM]`.
pub async fn enterprise(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Query(p): Query<EnterpriseParams>,
) -> Result<Response, PageError> {
    let mut st = PageState::default();
    if !p.correct.trim().is_empty() {
        st.input = Some(s.app.report_for_correction(staff.actor(), id, &p.correct).await.map_err(|e| staff.err(e))?);
    }
    enterprise_page(&s, &staff, id, st).await
}

/// `GET /monitoring/mine`: an enterprise account's own monitoring page; staff go to the alerts.
pub async fn mine(staff: Staff) -> Response {
    match staff.actor().enterprise_id {
        Some(id) if staff.actor().role == jiuye_domain::Role::EnterpriseHr => {
            Redirect::to(&format!("/enterprises/{id}/monitoring")).into_response()
        }
        _ => Redirect::to("/monitoring").into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: ReportInput,
}

/// `POST /enterprises/{id}/monitoring/reports`: a new report or a correction (by version).
pub async fn submit(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<ReportForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let mut st = PageState::default();
    match s.app.submit_report(staff.actor(), id, &f.input).await {
        Ok(outcome) => {
            let period = parse_period(&f.input.period).map(|(y, m)| format!("{y}-{:02}", u8::from(m))).unwrap_or_default();
            st.saved = Some(Saved {
                period,
                corrected: !f.input.version.trim().is_empty(),
                alerts: outcome
                    .alerts
                    .iter()
                    .map(|a| FindingView {
                        level: a.level.code(),
                        level_label: a.level.label(),
                        rule_label: rule_label(a.rule),
                        message: a.message.clone(),
                    })
                    .collect(),
            });
        }
        Err(AppError::Validation(errs)) => {
            st.errors = errs.into_iter().map(|e| (e.field.to_string(), e.message)).collect();
            st.input = Some(f.input);
        }
        Err(AppError::Conflict(msg)) => {
            st.conflict = Some(msg);
            st.input = Some(f.input);
        }
        Err(AppError::BadInput(msg)) => {
            st.errors = vec![("版本".into(), msg)];
            st.input = Some(f.input);
        }
        Err(e) => return Err(staff.err(e)),
    }
    enterprise_page(&s, &staff, id, st).await
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct MonitorForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    is_key: String,
    #[serde(default)]
    commissioner: String,
    #[serde(default)]
    reason: String,
}

/// `POST /enterprises/{id}/monitoring`: add the enterprise to monitoring, or change its key flag,
/// commissioner and reason (bureau).
pub async fn manage(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<MonitorForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.monitor_enterprise(staff.actor(), id, f.is_key == "1", &f.commissioner, &f.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/enterprises/{id}/monitoring")).into_response()),
        Err(AppError::Validation(errs)) => {
            let errs = errs.iter().map(|e| e.to_string()).collect();
            enterprise_page(&s, &staff, id, PageState { manage: Some((f, errs)), ..Default::default() }).await
        }
        Err(e) => Err(staff.err(e)),
    }
}

// ---- Alert handling.

pub struct HistoryLine {
    pub label: &'static str,
    pub note: String,
    pub actor: String,
    pub at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "alert_detail.html")]
struct AlertPage {
    nav: Option<Nav>,
    csrf: String,
    a: AlertView,
    status: String,
    status_label: &'static str,
    created_at: String,
    updated_at: String,
    history: Vec<HistoryLine>,
    can_act: bool,
    actions: Vec<Opt>,
    note: String,
    note_error: String,
    errors: Vec<String>,
    done: String,
}

/// What the alert page shows besides the alert: the posted form, its errors, what was just done.
#[derive(Default)]
struct AlertState<'a> {
    posted: Option<&'a AlertActionInput>,
    errors: Vec<(String, String)>,
    conflict: bool,
    done: String,
}

async fn alert_page(s: &AppState, staff: &Staff, id: i64, st: AlertState<'_>) -> Result<Response, PageError> {
    let d = s.app.alert_detail(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let chosen = st.posted.map(|p| p.action.as_str()).filter(|a| d.actions.iter().any(|(c, _)| c == a)).unwrap_or("");
    let status = if st.conflict {
        StatusCode::CONFLICT
    } else if st.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let done = jiuye_app::monitoring::ALERT_ACTIONS
        .iter()
        .find(|(c, _)| *c == st.done)
        .map(|(_, l)| format!("已记录：{l}。当前状态：{}", d.status_label))
        .unwrap_or_default();
    let page = AlertPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        status: d.alert.status.clone(),
        status_label: d.status_label,
        created_at: local_time(d.created_at),
        updated_at: local_time(d.updated_at),
        history: d
            .history
            .iter()
            .map(|h| HistoryLine { label: h.label, note: h.note.clone(), actor: h.actor.clone(), at: local_time(h.at) })
            .collect(),
        can_act: d.can_act,
        actions: opts(d.actions.iter().copied(), chosen),
        note: st.posted.map(|p| p.note.clone()).unwrap_or_default(),
        note_error: error_of(&st.errors, "情况说明"),
        errors: st.errors.iter().map(|(f, m)| if f.is_empty() { m.clone() } else { format!("{f}：{m}") }).collect(),
        done,
        a: d.alert,
    };
    Ok((status, page).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct AlertParams {
    /// The action just recorded (after the redirect of a post).
    #[serde(default)]
    done: String,
}

/// `GET /monitoring/alerts/{id}`: the alert, its whole history, and the action form.
pub async fn alert(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(p): Query<AlertParams>,
) -> Result<Response, PageError> {
    alert_page(&s, &staff, id, AlertState { done: p.done, ..Default::default() }).await
}

#[derive(serde::Deserialize)]
pub struct AlertForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: AlertActionInput,
}

/// `POST /monitoring/alerts/{id}`: take it on, note a contact or visit, close, reopen.
pub async fn act(State(s): State<AppState>, staff: Staff, Path(id): Path<i64>, Form(f): Form<AlertForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.act_on_alert(staff.actor(), id, &f.input).await {
        Ok(_) => Ok(Redirect::to(&format!("/monitoring/alerts/{id}?done={}", f.input.action.trim())).into_response()),
        Err(AppError::Validation(errs)) => {
            let errs = errs.into_iter().map(|e| (e.field.to_string(), e.message)).collect();
            alert_page(&s, &staff, id, AlertState { posted: Some(&f.input), errors: errs, ..Default::default() }).await
        }
        Err(AppError::Conflict(m)) => {
            alert_page(
                &s,
                &staff,
                id,
                AlertState { posted: Some(&f.input), errors: vec![(String::new(), m)], conflict: true, done: String::new() },
            )
            .await
        }
        Err(e) => Err(staff.err(e)),
    }
}

// ---- Layoff-plan filing (裁员方案备案, measure (五)).

pub struct PlanResult {
    pub plan_id: i64,
    pub notice_days: String,
    pub notice_ok: bool,
    pub statutory: bool,
    pub missing: Vec<String>,
    pub linked_alerts: Vec<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "layoff_plan_form.html")]
struct PlanPage {
    nav: Option<Nav>,
    csrf: String,
    id: Uuid,
    name: String,
    staff_registered: String,
    f: LayoffPlanInput,
    errors: Vec<String>,
    people_error: String,
    staff_error: String,
    date_error: String,
    notified_error: String,
    result: Option<PlanResult>,
    alert_links: bool,
}

fn plan_page(
    staff: &Staff,
    e: &jiuye_store::enterprises::EnterpriseRecord,
    f: LayoffPlanInput,
    errors: Vec<(String, String)>,
    result: Option<PlanResult>,
) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = PlanPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        id: e.id,
        name: e.name.clone(),
        staff_registered: e.staff.map(|n| n.to_string()).unwrap_or_default(),
        people_error: error_of(&errors, "裁减人数"),
        staff_error: error_of(&errors, "职工总数"),
        date_error: error_of(&errors, "裁员日期"),
        notified_error: error_of(&errors, "说明情况日期"),
        errors: errors.iter().map(|(f, m)| format!("{f}：{m}")).collect(),
        f,
        result,
        alert_links: matches!(staff.actor().role, jiuye_domain::Role::Admin | jiuye_domain::Role::BureauStaff),
    };
    (status, page).into_response()
}

/// `GET /enterprises/{id}/layoff-plans/new`.
pub async fn plan_form(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let e = s.app.layoff_plan_enterprise(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    Ok(plan_page(&staff, &e, LayoffPlanInput::default(), Vec::new(), None))
}

#[derive(serde::Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: LayoffPlanInput,
}

/// `POST /enterprises/{id}/layoff-plans`: files the plan and shows its checks.
pub async fn file_plan(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<PlanForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let e = s.app.layoff_plan_enterprise(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    match s.app.file_layoff_plan(staff.actor(), id, &f.input).await {
        Ok(c) => {
            let result = PlanResult {
                plan_id: c.plan_id,
                notice_days: c.notice_days.map(|d| d.to_string()).unwrap_or_default(),
                notice_ok: c.notice_ok,
                statutory: c.statutory,
                missing: c.missing,
                linked_alerts: c.linked_alerts,
            };
            Ok(plan_page(&staff, &e, f.input, Vec::new(), Some(result)))
        }
        Err(AppError::Validation(errs)) => {
            Ok(plan_page(&staff, &e, f.input, errs.into_iter().map(|e| (e.field.to_string(), e.message)).collect(), None))
        }
        Err(e) => Err(staff.err(e)),
    }
}

// ---- Import of monthly reports (staff).

#[derive(Template, WebTemplate)]
#[template(path = "monitoring_import.html")]
struct ImportPage {
    nav: Option<Nav>,
    csrf: String,
    max_mb: u64,
    max_rows: u32,
    township: String,
    errors: Vec<String>,
    file_name: String,
    report: Option<ReportImport>,
}

fn import_page(s: &AppState, staff: &Staff, errors: Vec<String>, file_name: String, report: Option<ReportImport>) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ImportPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        max_mb: s.config.max_upload_bytes / (1024 * 1024),
        max_rows: jiuye_app::monitoring_import::MAX_REPORT_ROWS,
        township: staff.actor().township.as_deref().and_then(jiuye_domain::division::township_name).unwrap_or("").to_string(),
        errors,
        file_name,
        report,
    };
    (status, page).into_response()
}

fn may_import(staff: &Staff) -> Result<(), PageError> {
    if can_import_reports(staff.actor().role) {
        Ok(())
    } else {
        Err(staff.err(AppError::Forbidden("用工监测报表由区人社局或乡镇窗口导入")))
    }
}

/// `GET /monitoring/import`.
pub async fn import_form(State(s): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    may_import(&staff)?;
    Ok(import_page(&s, &staff, Vec::new(), String::new(), None))
}

/// `GET /monitoring/import/template.xlsx`.
pub async fn import_template(State(s): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    may_import(&staff)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("t.xlsx");
    s.app.write_report_template(&path).map_err(|e| staff.err(e))?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    Ok(xlsx_download("用工监测月报表导入模板.xlsx", bytes))
}

/// `POST /monitoring/import`: the upload (streamed to a temporary file, capped), then the import
/// in the request — a report file is at most `MAX_REPORT_ROWS` rows — and its result.
pub async fn import_upload(State(s): State<AppState>, staff: Staff, mut mp: Multipart) -> Result<Response, PageError> {
    may_import(&staff)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("upload");
    let limit = s.config.max_upload_bytes;
    let up = match super::upload::receive(&mut mp, &path, limit).await {
        Ok(up) => up,
        Err(super::upload::UploadError::TooLarge) => {
            return Ok(import_page(
                &s,
                &staff,
                vec![format!("文件超过{}MB上限，请拆分后分批导入", limit / (1024 * 1024))],
                String::new(),
                None,
            ));
        }
        Err(super::upload::UploadError::Broken) => {
            return Ok(import_page(&s, &staff, vec![format!("上传失败或文件超过{}MB上限", limit / (1024 * 1024))], String::new(), None));
        }
        Err(super::upload::UploadError::Internal(e)) => return Err(staff.err(e)),
    };
    staff.check_csrf(&up.field("csrf"))?;
    let Some(file_name) = up.file_name.clone().filter(|_| up.size > 0) else {
        return Ok(import_page(&s, &staff, vec!["请选择要上传的文件（文件不能为空）".into()], String::new(), None));
    };
    let opts = ImportOptions {
        all_or_nothing: up.field("all_or_nothing") == "1",
        limits: jiuye_app::import::Limits { max_file_bytes: limit, ..Default::default() },
    };
    s.metrics.imports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    match s.app.import_reports(staff.actor(), &path, &file_name, &opts).await {
        Ok(report) => Ok(import_page(&s, &staff, Vec::new(), file_name, Some(report))),
        Err(AppError::BadInput(m)) => Ok(import_page(&s, &staff, vec![format!("文件无法导入，未保存任何数据：{m}")], file_name, None)),
        Err(e) => Err(staff.err(e)),
    }
}

/// One late enterprise as the late list shows it.
pub struct LateRow {
    pub enterprise_id: Uuid,
    pub enterprise: String,
    pub township: &'static str,
    pub is_key: bool,
    pub commissioner: String,
    pub phone: String,
    pub reminders: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "monitoring_late.html")]
struct LatePage {
    nav: Option<Nav>,
    period: String,
    townships: Vec<Opt>,
    choose_township: bool,
    deadline: String,
    overdue: bool,
    rows: Vec<LateRow>,
}

/// `GET /monitoring/late`: monitored enterprises without a month's report (default: last month),
/// with the SMS reminders sent to each.
pub async fn late(State(s): State<AppState>, staff: Staff, Query(p): Query<Params>) -> Result<Response, PageError> {
    let l = s.app.late_reports(staff.actor(), Some(&p.period), Some(&p.township)).await.map_err(|e| staff.err(e))?;
    let stage = |s: &str| if s == "due" { "截止前提醒" } else { "逾期催报" };
    let rows = l
        .enterprises
        .into_iter()
        .map(|e| LateRow {
            enterprise_id: e.enterprise_id,
            township: e.township,
            is_key: e.is_key,
            commissioner: e.commissioner,
            phone: e.contact_phone.unwrap_or_else(|| "无手机号，不能短信提醒".into()),
            reminders: if e.reminders.is_empty() {
                "未提醒".into()
            } else {
                e.reminders.iter().map(|r| format!("{} {}", local_time(r.queued_at), stage(&r.stage))).collect::<Vec<_>>().join("；")
            },
            enterprise: e.enterprise,
        })
        .collect();
    Ok(LatePage {
        nav: Nav::of(&staff),
        townships: township_opts(&p.township),
        choose_township: staff.actor().role != jiuye_domain::Role::TownshipClerk,
        deadline: l.deadline.to_string(),
        overdue: l.overdue,
        period: l.period,
        rows,
    }
    .into_response())
}
