//! Subsidy applications, review, budgets, payment batches and the published recipient list
//! (issue 6). Handlers are thin: every rule lives in `jiuye_app::payments` and `jiuye_app::ledger`.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::payments::{ApplicationInput, ApplicationView, Preview, STATUSES, Submitter, Verdict, fen_yuan, status_label};
use jiuye_domain::Role;
use jiuye_store::payments::{ApplicationFilter, ApplicationRow};
use serde_json::Value as Json;
use uuid::Uuid;

use super::{Nav, Opt, PAGE_SIZE, Pager, local_time, opts, page_of, township_opts};
use crate::AppState;
use crate::auth::Staff;
use crate::error::PageError;

/// A page that shows form errors answers 422, like the registry's forms.
fn status(errors: &[String], page: Response) -> Response {
    if errors.is_empty() { page } else { (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response() }
}

/// Errors a form shows inline instead of an error page.
pub fn inline(e: &AppError) -> Option<Vec<String>> {
    match e {
        AppError::Validation(errs) => Some(errs.iter().map(|e| e.to_string()).collect()),
        AppError::Conflict(m) | AppError::BadInput(m) => Some(vec![m.clone()]),
        AppError::Forbidden(m) => Some(vec![format!("没有权限：{m}")]),
        _ => None,
    }
}

pub struct Row {
    pub id: Uuid,
    pub short: String,
    pub program: String,
    pub subject: String,
    pub identifier: String,
    pub township: &'static str,
    pub period: String,
    pub status: &'static str,
    pub origin: &'static str,
    pub amount: String,
    pub submitted: String,
    pub age_days: i64,
}

fn row(s: &AppState, r: &ApplicationRow, today: time::Date) -> Row {
    Row {
        id: r.id,
        short: jiuye_app::payments::short(r.id),
        program: s.app.rules.program(&r.program).map(|p| p.name).unwrap_or("").to_string(),
        subject: r.subject_name.clone().unwrap_or_default(),
        identifier: r.subject_identifier.clone().unwrap_or_default(),
        township: jiuye_domain::division::township_name(&r.township_code).unwrap_or(""),
        period: if r.period_key == "ever" { "一次性".into() } else { r.period_key.clone() },
        status: status_label(&r.status),
        origin: if r.origin == "offer" { "免申即享" } else { "申请" },
        amount: r.amount_fen.map(fen_yuan).unwrap_or_default(),
        submitted: local_time(r.submitted_at),
        age_days: (today - r.updated_at.to_offset(jiuye_app::CST).date()).whole_days(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "applications_list.html")]
struct ListPage {
    nav: Option<Nav>,
    rows: Vec<Row>,
    statuses: Vec<Opt>,
    programs: Vec<Opt>,
    townships: Vec<Opt>,
    counts: Vec<(&'static str, String, i64)>,
    pager: Pager,
    can_apply: bool,
    can_offer: bool,
    offer_programs: Vec<Opt>,
    csrf: String,
    notice: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    program: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    origin: String,
    #[serde(default)]
    offered: String,
    page: Option<i64>,
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub async fn list(State(s): State<AppState>, staff: Staff, Query(p): Query<ListParams>) -> Result<Response, PageError> {
    let page = page_of(p.page);
    let f = ApplicationFilter {
        status: some(&p.status),
        program: some(&p.program),
        origin: some(&p.origin),
        township_code: jiuye_domain::division::parse_township(&p.township).ok().map(str::to_string),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
        ..Default::default()
    };
    let (rows, total) = s.app.list_applications(staff.actor(), f).await.map_err(|e| staff.err(e))?;
    let today = s.app.clock.today();
    let c = s.app.application_counts(staff.actor()).await.map_err(|e| staff.err(e))?;
    let by = jiuye_app::payments::counts_by_status(&c);
    let counts = STATUSES.iter().filter_map(|(code, label)| by.get(*code).map(|n| (*label, code.to_string(), *n))).collect();
    let pairs: Vec<(String, String)> = vec![
        ("status".into(), p.status.clone()),
        ("program".into(), p.program.clone()),
        ("township".into(), p.township.clone()),
        ("origin".into(), p.origin.clone()),
    ];
    Ok(ListPage {
        nav: Nav::of(&staff),
        rows: rows.iter().map(|r| row(&s, r, today)).collect(),
        statuses: opts(STATUSES.iter().copied(), &p.status),
        programs: opts(s.app.payable_programs().iter().map(|p| (p.id, p.name)), &p.program),
        townships: township_opts(&p.township),
        counts,
        pager: Pager::new("/applications", &pairs, page, total),
        can_apply: matches!(staff.actor().role, Role::BureauStaff | Role::TownshipClerk | Role::EnterpriseHr),
        can_offer: matches!(staff.actor().role, Role::BureauStaff | Role::TownshipClerk),
        offer_programs: opts(
            s.app.payable_programs().iter().filter(|p| p.applicant == jiuye_rules::Applicant::Person).map(|p| (p.id, p.name)),
            "",
        ),
        csrf: staff.user.csrf.clone(),
        notice: match p.offered.parse::<u64>() {
            Ok(n) => format!("已生成 {n} 份待确认的补贴，并向登记了手机号的对象发送确认短信。"),
            Err(_) => String::new(),
        },
    }
    .into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct OfferForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    program: String,
}

/// 免申即享: the scan's eligible persons become offers waiting for their confirmation.
pub async fn offers(State(s): State<AppState>, staff: Staff, Form(f): Form<OfferForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let summary = s.app.create_offers(staff.actor(), &f.program).await.map_err(|e| staff.err(e))?;
    Ok(Redirect::to(&format!("/applications?origin=offer&status=offered&offered={}", summary.created)).into_response())
}

/// One input of the application form.
pub struct FactField {
    pub name: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub choices: Vec<Opt>,
}

pub struct CondView {
    pub text: String,
    pub mark: &'static str,
    pub clause: String,
}

fn conditions(d: &Json) -> Vec<CondView> {
    d.get("conditions")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .map(|c| CondView {
                    text: c.get("text").and_then(Json::as_str).unwrap_or("").to_string(),
                    mark: match c.get("met") {
                        Some(Json::Bool(true)) => "met",
                        Some(Json::Bool(false)) => "failed",
                        _ => "unknown",
                    },
                    clause: c.get("clause").and_then(Json::as_str).unwrap_or("").to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Template, WebTemplate)]
#[template(path = "application_form.html")]
struct FormPage {
    nav: Option<Nav>,
    csrf: String,
    errors: Vec<String>,
    action: &'static str,
    citizen: bool,
    programs: Vec<(&'static str, &'static str, &'static str, &'static str)>,
    program: String,
    program_name: String,
    person: String,
    id_number: String,
    enterprise: String,
    asks_person: bool,
    asks_enterprise: bool,
    fields: Vec<FactField>,
    period: String,
    months: String,
    requested: String,
    monthly: bool,
    maximum: bool,
    payee_bank: String,
    key: String,
    preview: Option<PreviewView>,
}

pub struct PreviewView {
    pub outcome: &'static str,
    pub summary: String,
    pub amount: String,
    pub conditions: Vec<CondView>,
    pub registry: Vec<&'static str>,
}

pub fn preview_view(p: &Preview) -> PreviewView {
    let j = serde_json::to_value(&p.decision).unwrap_or(Json::Null);
    PreviewView {
        outcome: p.decision.decision.label(),
        summary: p.decision.summary.clone(),
        amount: p.amount_fen.map(fen_yuan).unwrap_or_default(),
        conditions: conditions(&j),
        registry: p.registry_facts.iter().filter_map(|f| jiuye_rules::vocabulary::fact(f).map(|d| d.label)).collect(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct NewParams {
    #[serde(default)]
    program: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    enterprise: String,
}

/// The form's values, as posted.
#[derive(Default)]
pub struct Posted {
    pub pairs: Vec<(String, String)>,
}

impl Posted {
    pub fn get(&self, k: &str) -> String {
        self.pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
    }
}

/// Converts a form value to the fact's JSON by its declared type; empty means "not given".
fn fact_json(name: &str, v: &str) -> Option<Json> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    let def = jiuye_rules::vocabulary::fact(name)?;
    Some(match def.ty {
        jiuye_rules::ValueType::Bool => Json::Bool(v == "true"),
        jiuye_rules::ValueType::Int => v.parse::<i64>().map(Json::from).unwrap_or_else(|_| Json::String(v.into())),
        _ => Json::String(v.into()),
    })
}

pub fn input_of(p: &Posted) -> ApplicationInput {
    let mut facts = serde_json::Map::new();
    for (k, v) in &p.pairs {
        if let Some(name) = k.strip_prefix("fact:")
            && let Some(j) = fact_json(name, v)
        {
            facts.insert(name.to_string(), j);
        }
    }
    ApplicationInput {
        program: p.get("program"),
        person_id: p.get("person").parse().ok(),
        person_id_number: some(&p.get("id_number")),
        enterprise_id: p.get("enterprise").parse().ok(),
        period: some(&p.get("period")),
        months: p.get("months").parse().ok(),
        requested_yuan: some(&p.get("requested")),
        facts,
        payee_bank: p.get("payee_bank"),
        payee_account: p.get("payee_account"),
        idempotency_key: some(&p.get("key")),
    }
}

/// Who fills in the form: staff (logged in) or the person (citizen session).
pub enum FormUser<'a> {
    Staff(&'a Staff),
    Citizen { csrf: String },
}

fn form_page(s: &AppState, staff: &Staff, posted: &Posted, preview: Option<PreviewView>, errors: Vec<String>) -> Response {
    form_page_for(s, &FormUser::Staff(staff), posted, preview, errors)
}

pub fn form_page_for(s: &AppState, user: &FormUser<'_>, posted: &Posted, preview: Option<PreviewView>, errors: Vec<String>) -> Response {
    let citizen = matches!(user, FormUser::Citizen { .. });
    let program_id = posted.get("program");
    let p = s
        .app
        .rules
        .program(&program_id)
        .filter(|p| jiuye_app::payments::payable_program(p))
        .filter(|p| !citizen || p.applicant == jiuye_rules::Applicant::Person);
    let role = match user {
        FormUser::Staff(st) => Some(st.actor().role),
        FormUser::Citizen { .. } => None,
    };
    let (mut asks_person, mut asks_enterprise, mut fields, mut monthly, mut maximum) = (false, false, Vec::new(), false, false);
    if let Some(p) = p {
        use jiuye_rules::Applicant as A;
        let person_case = matches!(p.applicant, A::Person | A::Hire | A::Unit | A::Training | A::Student);
        asks_person = person_case && !citizen;
        asks_enterprise = !matches!(p.applicant, A::Person | A::Training | A::Student) && role.is_some_and(|r| r != Role::EnterpriseHr);
        monthly = matches!(p.amount.as_ref().map(|a| a.kind), Some(jiuye_rules::AmountKind::Monthly));
        maximum = matches!(p.amount.as_ref().map(|a| a.kind), Some(jiuye_rules::AmountKind::Maximum));
        let subject = jiuye_app::payments::Subject {
            kind: if person_case { "person" } else { "enterprise" },
            id: Uuid::nil(),
            name: String::new(),
            township_code: String::new(),
            employer: (!matches!(p.applicant, A::Person | A::Training | A::Student)).then(Uuid::nil),
        };
        for f in s.app.asked_facts_for(p, &subject) {
            let value = posted.get(&format!("fact:{}", f.name));
            let choices = if f.kind == jiuye_rules::ValueType::Bool.label() {
                opts([("", "（请选择）"), ("true", "是"), ("false", "否")], &value)
            } else if !f.values.is_empty() {
                opts(std::iter::once(("", "（请选择）")).chain(f.values.iter().copied()), &value)
            } else {
                Vec::new()
            };
            fields.push(FactField { name: f.name, label: f.label, unit: f.unit, meaning: f.meaning, kind: f.kind, value, choices });
        }
    }
    let key = match posted.get("key") {
        k if k.is_empty() => Uuid::now_v7().to_string(),
        k => k,
    };
    let (nav, csrf) = match user {
        FormUser::Staff(st) => (Nav::of(st), st.user.csrf.clone()),
        FormUser::Citizen { csrf } => (None, csrf.clone()),
    };
    let shown = errors.clone();
    let page = FormPage {
        nav,
        csrf,
        errors,
        action: if citizen { "/jobs/me/apply" } else { "/applications" },
        citizen,
        programs: s
            .app
            .payable_programs()
            .iter()
            .filter(|p| !citizen || p.applicant == jiuye_rules::Applicant::Person)
            .map(|p| (p.id, p.name, p.applicant.label(), p.measure()))
            .collect(),
        program_name: p.map(|p| p.name.to_string()).unwrap_or_default(),
        program: program_id,
        person: posted.get("person"),
        id_number: posted.get("id_number"),
        enterprise: posted.get("enterprise"),
        asks_person,
        asks_enterprise,
        fields,
        period: posted.get("period"),
        months: posted.get("months"),
        requested: posted.get("requested"),
        monthly,
        maximum,
        payee_bank: posted.get("payee_bank"),
        key,
        preview,
    }
    .into_response();
    status(&shown, page)
}

pub async fn new_form(State(s): State<AppState>, staff: Staff, Query(p): Query<NewParams>) -> Result<Response, PageError> {
    if !matches!(staff.actor().role, Role::BureauStaff | Role::TownshipClerk | Role::EnterpriseHr) {
        return Err(staff.err(AppError::Forbidden("补贴申请由经办人员或单位账号录入")));
    }
    if let Ok(id) = p.person.parse::<Uuid>() {
        // Out-of-scope persons are not revealed.
        s.app.get_person(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    }
    let posted = Posted { pairs: vec![("program".into(), p.program), ("person".into(), p.person), ("enterprise".into(), p.enterprise)] };
    Ok(form_page(&s, &staff, &posted, None, Vec::new()))
}

pub async fn create(State(s): State<AppState>, staff: Staff, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let posted = Posted { pairs };
    staff.check_csrf(&posted.get("csrf"))?;
    let input = input_of(&posted);
    let by = Submitter::Staff(staff.actor());
    if posted.get("action") == "preview" || input.program.is_empty() {
        return match s.app.preview_application(&by, &input).await {
            Ok(p) => Ok(form_page(&s, &staff, &posted, Some(preview_view(&p)), Vec::new())),
            Err(e) => match inline(&e) {
                Some(errs) => Ok(form_page(&s, &staff, &posted, None, errs)),
                None => Err(staff.err(e)),
            },
        };
    }
    match s.app.submit_application(&by, &input).await {
        Ok(a) => Ok(Redirect::to(&format!("/applications/{}", a.id)).into_response()),
        Err(e) => match inline(&e) {
            Some(errs) => {
                let preview = s.app.preview_application(&by, &input).await.ok().map(|p| preview_view(&p));
                Ok(form_page(&s, &staff, &posted, preview, errs))
            }
            None => Err(staff.err(e)),
        },
    }
}

pub struct StepRow {
    pub step: &'static str,
    pub outcome: &'static str,
    pub amount: String,
    pub actor: String,
    pub note: String,
    pub at: String,
    pub id: i64,
    pub ruleset: String,
    pub changes: Vec<String>,
}

pub struct EntryRow {
    pub id: i64,
    pub kind: &'static str,
    pub amount: String,
    pub corrects: String,
    pub reason: String,
    pub by: String,
    pub at: String,
    pub is_grant: bool,
}

fn step_label(s: &str) -> &'static str {
    match s {
        "submit" => "提交",
        "offer" => "免申即享推送",
        "confirm" => "本人确认",
        "check" => "初审通过",
        "approve" => "审批通过",
        "reject" => "不予通过",
        _ => "其他",
    }
}

fn outcome_label(s: &str) -> &'static str {
    match s {
        "eligible" => "符合条件",
        "ineligible" => "不符合条件",
        _ => "需要补充信息",
    }
}

fn kind_label(k: &str) -> &'static str {
    match k {
        "grant" => "发放",
        "cancel" => "取消",
        "clawback" => "追回",
        "topup" => "补发",
        _ => "",
    }
}

fn diff_lines(d: &jiuye_app::payments::FactDiff) -> Vec<String> {
    let mut out: Vec<String> = d
        .changed
        .iter()
        .map(|(k, a, b)| {
            let label = jiuye_rules::vocabulary::fact(k).map(|d| d.label).unwrap_or(k.as_str());
            format!("{label}：{} → {}", show(a), show(b))
        })
        .collect();
    if let Some((a, b)) = &d.outcome {
        out.push(format!("结论：{} → {}", outcome_label(a), outcome_label(b)));
    }
    if let Some((a, b)) = &d.amount {
        out.push(format!("金额：{} → {}", a.map(fen_yuan).unwrap_or_default(), b.map(fen_yuan).unwrap_or_default()));
    }
    out
}

fn show(v: &Json) -> String {
    match v {
        Json::Null => "（无）".into(),
        Json::Bool(true) => "是".into(),
        Json::Bool(false) => "否".into(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "application_detail.html")]
struct DetailPage {
    nav: Option<Nav>,
    csrf: String,
    errors: Vec<String>,
    v: ApplicationView,
    short: String,
    amount: String,
    period: String,
    township: &'static str,
    submitted: String,
    steps: Vec<StepRow>,
    entries: Vec<EntryRow>,
    current: Vec<CondView>,
    current_outcome: &'static str,
    changes_now: Vec<String>,
    budget: String,
    over_budget: bool,
    can_check: bool,
    can_approve: bool,
    can_withdraw: bool,
    can_confirm: bool,
    money: bool,
}

async fn detail_page(s: &AppState, staff: &Staff, id: Uuid, errors: Vec<String>) -> Result<Response, PageError> {
    let v = s.app.application_view(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let a = staff.actor();
    let r = &v.record;
    let steps = v
        .steps
        .iter()
        .map(|st| StepRow {
            step: step_label(&st.record.step),
            outcome: outcome_label(&st.record.outcome),
            amount: st.record.amount_fen.map(fen_yuan).unwrap_or_default(),
            actor: st.record.actor.clone(),
            note: st.record.note.clone(),
            at: local_time(st.record.at),
            id: st.record.id,
            ruleset: st.record.ruleset_version.clone(),
            changes: diff_lines(&st.diff_from_submission),
        })
        .collect();
    let entries = v
        .entries
        .iter()
        .map(|e| EntryRow {
            id: e.id,
            kind: kind_label(&e.kind),
            amount: fen_yuan(e.amount_fen),
            corrects: e.corrects_entry_id.map(|c| format!("第{c}笔")).unwrap_or_default(),
            reason: e.reason.clone(),
            by: e.created_by.clone(),
            at: local_time(e.created_at),
            is_grant: e.kind == "grant",
        })
        .collect();
    let current = v.current.as_ref().map(conditions).unwrap_or_default();
    let current_outcome = v.current.as_ref().and_then(|c| c.get("decision")).and_then(Json::as_str).map(outcome_label).unwrap_or("");
    let changes_now = v.diff_now.as_ref().map(diff_lines).unwrap_or_default();
    let can_check = r.status == "submitted" && matches!(a.role, Role::TownshipClerk | Role::BureauStaff) && r.submitted_by != a.login;
    let can_approve = r.status == "checked"
        && matches!(a.role, Role::BureauStaff | Role::Leader)
        && r.submitted_by != a.login
        && r.checked_by.as_deref() != Some(a.login.as_str())
        && r.checked_role.as_deref() != Some(a.role.code());
    let shown = errors.clone();
    let page = DetailPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        errors,
        short: jiuye_app::payments::short(r.id),
        amount: r.amount_fen.map(fen_yuan).unwrap_or_default(),
        period: if r.period_key == "ever" { "一次性".into() } else { r.period_key.clone() },
        township: jiuye_domain::division::township_name(&r.township_code).unwrap_or(""),
        submitted: local_time(r.submitted_at),
        steps,
        entries,
        current,
        current_outcome,
        changes_now,
        budget: v.budget.as_ref().map(|b| b.message()).unwrap_or_default(),
        over_budget: v.budget.as_ref().is_some_and(|b| b.over),
        can_check,
        can_approve,
        can_withdraw: r.status == "submitted" && r.submitted_by == a.login,
        can_confirm: r.status == "offered" && matches!(a.role, Role::TownshipClerk | Role::BureauStaff),
        money: matches!(a.role, Role::Admin | Role::BureauStaff),
        v,
    }
    .into_response();
    Ok(status(&shown, page))
}

pub async fn detail(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    detail_page(&s, &staff, id, Vec::new()).await
}

#[derive(serde::Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    over_budget: String,
    #[serde(default)]
    entry: i64,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    payee_bank: String,
    #[serde(default)]
    payee_account: String,
}

/// `check`, `approve`, `withdraw`, `cancel` (an entry), `correct` (an entry).
pub async fn action(
    State(s): State<AppState>,
    staff: Staff,
    Path((id, action)): Path<(Uuid, String)>,
    Form(f): Form<StepForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let verdict = if f.verdict == "reject" { Verdict::Reject } else { Verdict::Pass };
    let a = staff.actor();
    let r = match action.as_str() {
        "check" => s.app.check_application(a, id, f.version, verdict, &f.note).await.map(|_| ()),
        "approve" => s.app.approve_application(a, id, f.version, verdict, &f.note, f.over_budget == "1").await.map(|_| ()),
        "withdraw" => s.app.withdraw_application(&Submitter::Staff(a), id, f.version).await,
        "confirm" | "decline" => s.app.staff_answer_offer(a, id, action == "confirm", &f.payee_bank, &f.payee_account).await.map(|_| ()),
        "cancel" | "correct" => {
            // The entry must belong to this application.
            match s.app.entry_of_application(a, id, f.entry).await {
                Ok(()) if action == "cancel" => s.app.cancel_payment(a, f.entry, &f.note).await.map(|_| ()),
                Ok(()) => s.app.correct_payment(a, f.entry, &f.kind, &f.amount, &f.note).await.map(|_| ()),
                Err(e) => Err(e),
            }
        }
        _ => Err(AppError::NotFound),
    };
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(e) => match inline(&e) {
            Some(errs) => detail_page(&s, &staff, id, errs).await,
            None => Err(staff.err(e)),
        },
    }
}

// ---- budgets -------------------------------------------------------------------------------

pub struct BudgetLine {
    pub fund: &'static str,
    pub program: String,
    pub allocated: String,
    pub committed: String,
    pub paid: String,
    pub remaining: String,
    pub over: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "budgets.html")]
struct BudgetPage {
    nav: Option<Nav>,
    csrf: String,
    errors: Vec<String>,
    year: i64,
    lines: Vec<BudgetLine>,
    townships: Vec<(&'static str, String, String)>,
    township_opts: Vec<Opt>,
    programs: Vec<Opt>,
    money: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct BudgetParams {
    year: Option<i64>,
    #[serde(default)]
    township: String,
}

async fn budget_page(s: &AppState, staff: &Staff, p: &BudgetParams, errors: Vec<String>) -> Result<Response, PageError> {
    let year = p.year.unwrap_or_else(|| i64::from(s.app.clock.today().year()));
    let township = jiuye_domain::division::parse_township(&p.township).ok();
    let o = s.app.budget_overview(staff.actor(), year, township).await.map_err(|e| staff.err(e))?;
    let shown = errors.clone();
    let page = BudgetPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        errors,
        year,
        lines: o
            .rows
            .iter()
            .map(|r| BudgetLine {
                fund: r.fund,
                program: r.program_name.clone(),
                allocated: r.allocated_fen.map(fen_yuan).unwrap_or_else(|| "未安排".into()),
                committed: fen_yuan(r.committed_fen),
                paid: fen_yuan(r.paid_fen),
                remaining: r.remaining_fen.map(fen_yuan).unwrap_or_default(),
                over: r.remaining_fen.is_some_and(|x| x < 0),
            })
            .collect(),
        townships: o
            .by_township
            .iter()
            .map(|(t, c, pd)| (jiuye_domain::division::township_name(t).unwrap_or(""), fen_yuan(*c), fen_yuan(*pd)))
            .collect(),
        township_opts: township_opts(&p.township),
        programs: opts(s.app.payable_programs().iter().map(|p| (p.id, p.name)), ""),
        money: matches!(staff.actor().role, Role::Admin | Role::BureauStaff),
    }
    .into_response();
    Ok(status(&shown, page))
}

pub async fn budgets(State(s): State<AppState>, staff: Staff, Query(p): Query<BudgetParams>) -> Result<Response, PageError> {
    budget_page(&s, &staff, &p, Vec::new()).await
}

#[derive(serde::Deserialize, Default)]
pub struct AllocateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    program: String,
    #[serde(default)]
    year: i64,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    note: String,
}

pub async fn allocate(State(s): State<AppState>, staff: Staff, Form(f): Form<AllocateForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let fund = jiuye_app::payments::fund_of(&f.program);
    match s.app.allocate_budget(staff.actor(), fund, &f.program, f.year, &f.amount, &f.note).await {
        Ok(_) => Ok(Redirect::to(&format!("/budgets?year={}", f.year)).into_response()),
        Err(e) => match inline(&e) {
            Some(errs) => budget_page(&s, &staff, &BudgetParams { year: Some(f.year), township: String::new() }, errs).await,
            None => Err(staff.err(e)),
        },
    }
}

// ---- payment batches -----------------------------------------------------------------------

pub struct BatchRow {
    pub id: i64,
    pub program: String,
    pub period: String,
    pub count: i64,
    pub total: String,
    pub by: String,
    pub at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "batches.html")]
struct BatchesPage {
    nav: Option<Nav>,
    csrf: String,
    errors: Vec<String>,
    rows: Vec<BatchRow>,
    programs: Vec<Opt>,
    year: i64,
}

fn batch_row(s: &AppState, b: &jiuye_store::payments::BatchRecord) -> BatchRow {
    BatchRow {
        id: b.id,
        program: s.app.rules.program(&b.program).map(|p| p.name).unwrap_or("").to_string(),
        period: b.period.clone(),
        count: b.item_count,
        total: fen_yuan(b.total_fen),
        by: b.created_by.clone(),
        at: local_time(b.created_at),
    }
}

fn money_only(staff: &Staff) -> Result<(), PageError> {
    if matches!(staff.actor().role, Role::Admin | Role::BureauStaff) {
        Ok(())
    } else {
        Err(staff.err(AppError::Forbidden("资金发放由区人社局办理")))
    }
}

async fn batches_page(s: &AppState, staff: &Staff, errors: Vec<String>) -> Result<Response, PageError> {
    let rows = s.app.list_batches(staff.actor(), 200).await.map_err(|e| staff.err(e))?;
    let shown = errors.clone();
    let page = BatchesPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        errors,
        rows: rows.iter().map(|b| batch_row(s, b)).collect(),
        programs: opts(s.app.payable_programs().iter().map(|p| (p.id, p.name)), ""),
        year: i64::from(s.app.clock.today().year()),
    }
    .into_response();
    Ok(status(&shown, page))
}

pub async fn batches(State(s): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    batches_page(&s, &staff, Vec::new()).await
}

#[derive(serde::Deserialize, Default)]
pub struct BatchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    program: String,
    year: Option<i64>,
    #[serde(default)]
    period: String,
}

pub async fn create_batch(State(s): State<AppState>, staff: Staff, Form(f): Form<BatchForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.create_batch(staff.actor(), &f.program, f.year, &f.period).await {
        Ok(b) => Ok(Redirect::to(&format!("/batches/{}", b.id)).into_response()),
        Err(e) => match inline(&e) {
            Some(errs) => batches_page(&s, &staff, errs).await,
            None => Err(staff.err(e)),
        },
    }
}

pub struct LineRow {
    pub no: i64,
    pub application: Uuid,
    pub short: String,
    pub payee: String,
    pub bank: String,
    pub account: String,
    pub amount: String,
    pub result: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "batch_detail.html")]
struct BatchPage {
    nav: Option<Nav>,
    csrf: String,
    errors: Vec<String>,
    b: BatchRow,
    lines: Vec<LineRow>,
    events: Vec<(String, String, String, String)>,
    reconciled: bool,
}

async fn batch_page(s: &AppState, staff: &Staff, id: i64, errors: Vec<String>) -> Result<Response, PageError> {
    let d = s.app.batch_detail(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let (b, lines, events) = (d.batch, d.lines, d.events);
    let reconciled = events.iter().any(|e| e.event == "reconciled");
    let shown = errors.clone();
    let page = BatchPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        errors,
        lines: lines
            .iter()
            .map(|l| LineRow {
                no: l.line_no,
                application: l.application_id,
                short: jiuye_app::payments::short(l.application_id),
                payee: l.payee_name.clone(),
                bank: l.payee_bank.clone(),
                account: l.payee_account_last4.as_deref().map(|x| format!("****{x}")).unwrap_or_default(),
                amount: fen_yuan(l.amount_fen),
                result: match (l.outcome.as_deref(), l.reason.as_deref()) {
                    (Some("paid"), _) => "成功".into(),
                    (Some(_), Some(r)) => format!("失败：{r}"),
                    _ => "待银行结果".into(),
                },
            })
            .collect(),
        events: events
            .iter()
            .map(|e| {
                let label = match e.event.as_str() {
                    "created" => "生成",
                    "exported" => "导出",
                    "reconciled" => "对账",
                    _ => "其他",
                };
                (label.to_string(), e.detail.clone(), e.actor.clone(), local_time(e.at))
            })
            .collect(),
        reconciled,
        b: batch_row(s, &b),
    }
    .into_response();
    Ok(status(&shown, page))
}

pub async fn batch(State(s): State<AppState>, staff: Staff, Path(id): Path<i64>) -> Result<Response, PageError> {
    batch_page(&s, &staff, id, Vec::new()).await
}

#[derive(serde::Deserialize, Default)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn export_batch(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("batch.xlsx");
    match s.app.export_batch(staff.actor(), id, &path).await {
        Ok(_) => {
            let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
            Ok(super::persons::xlsx_download(&format!("发放批次{id}.xlsx"), bytes))
        }
        Err(e) => match inline(&e) {
            Some(errs) => batch_page(&s, &staff, id, errs).await,
            None => Err(staff.err(e)),
        },
    }
}

pub async fn reconcile(State(s): State<AppState>, staff: Staff, Path(id): Path<i64>, mut mp: Multipart) -> Result<Response, PageError> {
    // The app checks the role too; this refuses before the upload is read.
    money_only(&staff)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("result");
    let limit = s.config.max_upload_bytes.min(20 * 1024 * 1024);
    let up = match super::upload::receive(&mut mp, &path, limit).await {
        Ok(up) => up,
        Err(super::upload::UploadError::TooLarge | super::upload::UploadError::Broken) => {
            return batch_page(&s, &staff, id, vec![format!("上传失败或文件超过{}MB上限", limit / (1024 * 1024))]).await;
        }
        Err(super::upload::UploadError::Internal(e)) => return Err(staff.err(e)),
    };
    let (csrf, name, size) = (up.field("csrf"), up.file_name.clone().unwrap_or_else(|| "result".into()), up.size);
    staff.check_csrf(&csrf)?;
    if size == 0 {
        return batch_page(&s, &staff, id, vec!["请选择银行返回的结果文件".into()]).await;
    }
    match s.app.reconcile_batch(staff.actor(), id, &path, &name).await {
        Ok(_) => Ok(Redirect::to(&format!("/batches/{id}")).into_response()),
        Err(e) => match inline(&e) {
            Some(errs) => batch_page(&s, &staff, id, errs).await,
            None => Err(staff.err(e)),
        },
    }
}

// ---- publication ---------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "recipients.html")]
struct RecipientsPage {
    nav: Option<Nav>,
    rows: Vec<jiuye_app::ledger::PublicRecipient>,
    programs: Vec<Opt>,
    year: String,
}

#[derive(serde::Deserialize, Default)]
pub struct RecipientParams {
    #[serde(default)]
    program: String,
    #[serde(default)]
    year: String,
}

pub async fn recipients(State(s): State<AppState>, staff: Staff, Query(p): Query<RecipientParams>) -> Result<Response, PageError> {
    let year = p.year.trim().parse::<i64>().ok();
    let rows = s.app.recipients_for_publication(staff.actor(), some(&p.program).as_deref(), year).await.map_err(|e| staff.err(e))?;
    Ok(RecipientsPage {
        nav: Nav::of(&staff),
        rows,
        programs: opts(s.app.payable_programs().iter().map(|p| (p.id, p.name)), &p.program),
        year: p.year,
    }
    .into_response())
}
