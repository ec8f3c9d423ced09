//! The policy catalogue and the case explainer: public pages, nothing stored.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiuye_app::AppError;
use jiuye_app::policy::ProgramView;
use jiuye_rules::Outcome;

use super::Nav;
use crate::AppState;
use crate::auth::MaybeStaff;
use crate::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "policy_list.html")]
struct ListPage {
    nav: Option<Nav>,
    date: String,
    version: String,
    programs: Vec<ProgramView>,
}

#[derive(serde::Deserialize, Default)]
pub struct AsOf {
    #[serde(default)]
    as_of: String,
}

pub fn parse_as_of(s: &str) -> Result<Option<time::Date>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map(Some)
        .map_err(|_| AppError::field("判断日期", "date.format", format!("“{s}”应写成 YYYY-MM-DD")))
}

pub async fn list(State(s): State<AppState>, MaybeStaff(staff): MaybeStaff, Query(q): Query<AsOf>) -> Result<Response, PageError> {
    let as_of = parse_as_of(&q.as_of).map_err(|e| PageError(e, String::new()))?;
    Ok(ListPage {
        nav: staff.as_ref().and_then(Nav::of),
        date: s.app.policy_date(as_of).to_string(),
        version: s.app.ruleset_version().to_string(),
        programs: s.app.policy_catalogue(as_of),
    }
    .into_response())
}

pub struct DecisionView {
    pub eligible: bool,
    pub summary: String,
    pub conditions: Vec<String>,
    pub missing: Vec<&'static str>,
    pub version: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "policy_detail.html")]
struct DetailPage {
    nav: Option<Nav>,
    date: String,
    p: ProgramView,
    facts: String,
    as_of: String,
    errors: Vec<String>,
    decision: Option<DecisionView>,
}

fn example_facts(p: &ProgramView) -> String {
    let mut m = serde_json::Map::new();
    for f in &p.facts {
        m.insert((*f).to_string(), serde_json::Value::Null);
    }
    serde_json::to_string_pretty(&m).unwrap_or_default()
}

pub async fn detail(
    State(s): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    Path(id): Path<String>,
    Query(q): Query<AsOf>,
) -> Result<Response, PageError> {
    let as_of = parse_as_of(&q.as_of).map_err(|e| PageError(e, String::new()))?;
    let p = s.app.policy_program(&id, as_of).map_err(|e| PageError(e, String::new()))?;
    Ok(DetailPage {
        nav: staff.as_ref().and_then(Nav::of),
        date: s.app.policy_date(as_of).to_string(),
        facts: example_facts(&p),
        as_of: q.as_of,
        p,
        errors: Vec::new(),
        decision: None,
    }
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct ExplainForm {
    #[serde(default)]
    facts: String,
    #[serde(default)]
    as_of: String,
}

pub async fn explain(
    State(s): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    Path(id): Path<String>,
    Form(f): Form<ExplainForm>,
) -> Result<Response, PageError> {
    let as_of = parse_as_of(&f.as_of);
    let date = as_of.as_ref().ok().copied().flatten();
    let p = s.app.policy_program(&id, date).map_err(|e| PageError(e, String::new()))?;
    let mut errors = Vec::new();
    let mut decision = None;
    match (as_of, serde_json::from_str::<serde_json::Value>(&f.facts)) {
        (Err(e), _) => errors.push(e.to_string()),
        (_, Err(e)) => errors.push(format!("事实不是有效的JSON：{e}")),
        (Ok(as_of), Ok(mut json)) => {
            // Blank template entries (null) mean "not known".
            if let Some(o) = json.as_object_mut() {
                o.retain(|_, v| !v.is_null());
            }
            match s.app.evaluate_policy(&id, &json, as_of) {
                Ok(d) => {
                    decision = Some(DecisionView {
                        eligible: d.decision == Outcome::Eligible,
                        summary: d.summary.clone(),
                        conditions: d.conditions.iter().map(|c| c.text.clone()).collect(),
                        missing: d.missing_facts.clone(),
                        version: d.ruleset_version.clone(),
                    })
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((
        status,
        DetailPage {
            nav: staff.as_ref().and_then(Nav::of),
            date: s.app.policy_date(date).to_string(),
            facts: f.facts,
            as_of: f.as_of,
            p,
            errors,
            decision,
        },
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "scan.html")]
struct ScanPage {
    nav: Option<Nav>,
    programs: Vec<super::Opt>,
    townships: Vec<super::Opt>,
    as_of: String,
    errors: Vec<String>,
    report: Option<jiuye_app::scan::ScanReport>,
    /// The hits shown, each with the link to an application form pre-filled with its program
    /// and subject (eligible hits of programs the bureau pays, for roles that enter applications).
    hits: Vec<(jiuye_app::scan::Hit, Option<String>)>,
    shown: usize,
}

#[derive(serde::Deserialize, Default)]
pub struct ScanParams {
    #[serde(default)]
    program: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    run: String,
}

/// The scan page: runs when the form is submitted (`run=1`), in the user's scope.
pub async fn scan(State(s): State<AppState>, staff: crate::auth::Staff, Query(q): Query<ScanParams>) -> Result<Response, PageError> {
    if !staff.actor().role.can_read_persons() {
        return Err(staff.err(AppError::Forbidden("当前角色不能运行政策扫描")));
    }
    let mut errors = Vec::new();
    let mut report = None;
    if q.run == "1" {
        match parse_as_of(&q.as_of) {
            Err(e) => errors.push(e.to_string()),
            Ok(as_of) => {
                let req = jiuye_app::scan::ScanRequest {
                    program: Some(q.program.clone()).filter(|p| !p.is_empty()),
                    as_of,
                    township: Some(q.township.clone()).filter(|t| !t.is_empty()),
                };
                match s.app.scan_registry(staff.actor(), &req, &mut |_| {}).await {
                    Ok(r) => report = Some(r),
                    Err(AppError::Validation(errs)) => errors.extend(errs.iter().map(|e| e.to_string())),
                    Err(e) => return Err(staff.err(e)),
                }
            }
        }
    }
    const SHOWN: usize = 500;
    let can_apply = matches!(staff.actor().role, jiuye_domain::Role::BureauStaff | jiuye_domain::Role::TownshipClerk);
    let apply_link = |h: &jiuye_app::scan::Hit| -> Option<String> {
        let payable = s.app.rules.program(h.program).is_some_and(jiuye_app::payments::payable_program);
        let subject = if h.subject_kind == "person" { "person" } else { "enterprise" };
        (can_apply && h.eligible && payable).then(|| format!("/applications/new?program={}&{subject}={}", h.program, h.subject_id))
    };
    let hits = report.as_ref().map(|r| r.hits.iter().take(SHOWN).map(|h| (h.clone(), apply_link(h))).collect()).unwrap_or_default();
    Ok(ScanPage {
        nav: Nav::of(&staff),
        programs: super::opts(s.app.rules.programs().iter().map(|p| (p.id, p.name)), &q.program),
        townships: super::township_opts(&q.township),
        as_of: q.as_of,
        errors,
        shown: SHOWN.min(report.as_ref().map(|r| r.hits.len()).unwrap_or(0)),
        report,
        hits,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "simulate.html")]
struct SimulatePage {
    nav: Option<Nav>,
    csrf: String,
    programs: Vec<super::Opt>,
    sets: String,
    as_of: String,
    errors: Vec<String>,
    sim: Option<jiuye_app::scan::Simulation>,
}

pub async fn simulate_form(State(s): State<AppState>, staff: crate::auth::Staff) -> Result<Response, PageError> {
    if !staff.actor().role.can_read_persons() {
        return Err(staff.err(AppError::Forbidden("当前角色不能运行政策模拟")));
    }
    Ok(SimulatePage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        programs: super::opts(s.app.rules.programs().iter().map(|p| (p.id, p.name)), ""),
        sets: String::new(),
        as_of: String::new(),
        errors: Vec::new(),
        sim: None,
    }
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct SimulateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    sets: String,
    #[serde(default)]
    program: String,
    #[serde(default)]
    as_of: String,
}

pub async fn simulate(State(s): State<AppState>, staff: crate::auth::Staff, Form(f): Form<SimulateForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    if !staff.actor().role.can_read_persons() {
        return Err(staff.err(AppError::Forbidden("当前角色不能运行政策模拟")));
    }
    let changes: Vec<String> = f.sets.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    let mut errors = Vec::new();
    let mut sim = None;
    match parse_as_of(&f.as_of) {
        Err(e) => errors.push(e.to_string()),
        Ok(as_of) => {
            let req = jiuye_app::scan::ScanRequest { program: Some(f.program.clone()).filter(|p| !p.is_empty()), as_of, township: None };
            match s.app.simulate(staff.actor(), &req, &changes, &mut |_| {}).await {
                Ok(r) => sim = Some(r),
                Err(AppError::BadInput(m)) => errors.push(m),
                Err(AppError::Validation(errs)) => errors.extend(errs.iter().map(|e| e.to_string())),
                Err(e) => return Err(staff.err(e)),
            }
        }
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((
        status,
        SimulatePage {
            nav: Nav::of(&staff),
            csrf: staff.user.csrf.clone(),
            programs: super::opts(s.app.rules.programs().iter().map(|p| (p.id, p.name)), &f.program),
            sets: f.sets,
            as_of: f.as_of,
            errors,
            sim,
        },
    )
        .into_response())
}
