//! Unemployment registration and the monthly follow-up (measures (二十), (二十二)): registering from
//! the person page, a spell's page with its contacts and closing, and the township's task list.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::unemployment::{
    CLOSE_REASONS, CONTACT_METHODS, ContactInput, DueItem, RegistrationInput, SERVICES, close_reason_label, method_label, services_label,
};
use jiuye_store::registrations::RegistrationRecord;
use uuid::Uuid;

use super::{Nav, Opt, local_time, opts, township_opts};
use crate::auth::Staff;
use crate::error::PageError;
use crate::urls;

use crate::AppState;

pub struct SpellRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub id_masked: String,
    pub township: String,
    pub registered_on: String,
    pub channel: &'static str,
    pub registered_by: String,
    pub open: bool,
    pub closed: String,
    pub last_contact: String,
    pub version: i64,
}

pub fn spell_row(r: &RegistrationRecord) -> SpellRow {
    SpellRow {
        id: r.id,
        person_id: r.person_id,
        name: r.name.clone(),
        id_masked: r.id_masked.clone(),
        township: r.township_name.clone(),
        registered_on: r.registered_on.to_string(),
        channel: if r.channel == "online" { "网上" } else { "窗口" },
        registered_by: r.registered_by.clone(),
        open: r.closed_on.is_none(),
        closed: match (r.closed_on, r.close_reason.as_deref()) {
            (Some(d), Some(reason)) => format!(
                "{d} 注销（{}{}）",
                close_reason_label(reason),
                r.close_note.as_deref().filter(|n| !n.is_empty()).map(|n| format!("：{n}")).unwrap_or_default()
            ),
            _ => String::new(),
        },
        last_contact: r.last_contact_on.map(|d| d.to_string()).unwrap_or_else(|| "尚无".into()),
        version: r.version,
    }
}

#[derive(serde::Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: RegistrationInput,
}

/// `POST /persons/{id}/registrations`: registers the person as unemployed.
pub async fn register(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<RegisterForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let rid = s.app.register_unemployment(staff.actor(), id, &f.input).await.map_err(|e| staff.err(e))?;
    Ok(Redirect::to(&urls::registration(rid)).into_response())
}

pub struct ContactRow {
    pub on: String,
    pub method: &'static str,
    pub outcome: String,
    pub services: String,
    pub note: String,
    pub by: String,
    pub at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "registration_detail.html")]
struct DetailPage {
    nav: Option<Nav>,
    csrf: String,
    r: SpellRow,
    contacts: Vec<ContactRow>,
    can_edit: bool,
    methods: Vec<Opt>,
    services: Vec<(&'static str, &'static str)>,
    reasons: Vec<Opt>,
    level: &'static str,
    level_reasons: String,
    contacts_needed: u32,
    today: String,
    errors: Vec<String>,
}

async fn detail_page(s: &AppState, staff: &Staff, id: Uuid, errors: Vec<String>) -> Result<Response, PageError> {
    let r = s.app.get_registration(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let contacts = s.app.contacts_of(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let level = s.app.service_level(&r, s.app.clock.today()).await.map_err(|e| staff.err(e))?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = DetailPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        r: spell_row(&r),
        contacts: contacts
            .iter()
            .map(|c| ContactRow {
                on: c.contact_on.to_string(),
                method: method_label(&c.method),
                outcome: c.outcome.clone(),
                services: services_label(&c.services),
                note: c.note.clone(),
                by: c.recorded_by.clone(),
                at: local_time(c.recorded_at),
            })
            .collect(),
        can_edit: staff.actor().role.can_edit_registry(),
        methods: opts(CONTACT_METHODS.iter().copied(), "phone"),
        services: SERVICES.to_vec(),
        reasons: opts(CLOSE_REASONS.iter().copied(), "employed"),
        level: level.level.label(),
        level_reasons: level.reasons.join("；"),
        contacts_needed: level.level.contacts_per_month(),
        today: s.app.clock.today().to_string(),
        errors,
    };
    Ok((status, page).into_response())
}

pub async fn detail(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    detail_page(&s, &staff, id, Vec::new()).await
}

/// `POST /registrations/{id}/contacts`: the form's services arrive as repeated `services` fields.
pub async fn add_contact(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone()).unwrap_or_default();
    staff.check_csrf(&get("csrf"))?;
    let input = ContactInput {
        contact_on: get("contact_on"),
        method: get("method"),
        outcome: get("outcome"),
        services: pairs.iter().filter(|(k, _)| k == "services").map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(","),
        note: get("note"),
    };
    match s.app.record_contact(staff.actor(), id, &input).await {
        Ok(_) => Ok(Redirect::to(&urls::registration(id)).into_response()),
        Err(AppError::Validation(errs)) => detail_page(&s, &staff, id, errs.iter().map(|e| e.to_string()).collect()).await,
        Err(e) => Err(staff.err(e)),
    }
}

#[derive(serde::Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    closed_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

pub async fn close(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>, Form(f): Form<CloseForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.close_registration(staff.actor(), id, f.version, &f.closed_on, &f.reason, &f.note).await {
        Ok(()) => Ok(Redirect::to(&urls::registration(id)).into_response()),
        Err(AppError::Validation(errs)) => detail_page(&s, &staff, id, errs.iter().map(|e| e.to_string()).collect()).await,
        Err(e) => Err(staff.err(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "followup.html")]
struct TaskPage {
    nav: Option<Nav>,
    csrf: String,
    reminded: String,
    can_remind: bool,
    as_of: String,
    month: String,
    townships: Vec<Opt>,
    can_pick_township: bool,
    due: Vec<DueItem>,
    due_total: usize,
    second: Vec<DueItem>,
    overdue: usize,
    coverage: Vec<(String, String, i64, i64, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct TaskParams {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    reminded: String,
}

/// `GET /followup`: who is due this month and who is overdue (a clerk: their township); the bureau
/// also sees coverage by township.
pub async fn tasks(State(s): State<AppState>, staff: Staff, Query(q): Query<TaskParams>) -> Result<Response, PageError> {
    let as_of = super::policy::parse_as_of(&q.as_of).map_err(|e| staff.err(e))?;
    let actor = staff.actor();
    let due = s.app.followup_due(actor, Some(&q.township), as_of).await.map_err(|e| staff.err(e))?;
    let second = s.app.followup_second_contacts(actor, Some(&q.township), as_of).await.map_err(|e| staff.err(e))?;
    let day = as_of.unwrap_or_else(|| s.app.clock.today());
    let bureau = matches!(actor.role, jiuye_domain::Role::Admin | jiuye_domain::Role::BureauStaff | jiuye_domain::Role::Leader);
    let coverage = if bureau {
        s.app
            .followup_coverage(actor, as_of)
            .await
            .map_err(|e| staff.err(e))?
            .into_iter()
            .map(|(c, n, a, d)| {
                // Per mille, shown with one decimal; integers only.
                let pct = if a == 0 { "—".to_string() } else { format!("{}.{}%", d * 1000 / a / 10, d * 1000 / a % 10) };
                (c, n, a, d, pct)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(TaskPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        reminded: q.reminded.clone(),
        can_remind: actor.role.can_edit_registry(),
        as_of: day.to_string(),
        month: format!("{}年{}月", day.year(), u8::from(day.month())),
        townships: township_opts(&q.township),
        can_pick_township: actor.scope_township().is_none(),
        overdue: due.iter().filter(|d| d.overdue).count(),
        due_total: due.len(),
        // The page shows the first 500 (most months without contact first); the CLI gives all.
        due: due.into_iter().take(500).collect(),
        second: second.into_iter().take(500).collect(),
        coverage,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "zero_employment.html")]
struct ZeroPage {
    nav: Option<Nav>,
    townships: Vec<Opt>,
    can_pick_township: bool,
    current: Vec<jiuye_app::zero_employment::ZeroItem>,
    cleared: Vec<(jiuye_app::zero_employment::ZeroItem, &'static str)>,
    by_township: Vec<(String, usize)>,
}

#[derive(serde::Deserialize, Default)]
pub struct ZeroParams {
    #[serde(default)]
    township: String,
}

/// `GET /households/zero`: current zero-employment households by how long they have been open, and
/// the cleared ones with the time it took (动态清零).
pub async fn zero(State(s): State<AppState>, staff: Staff, Query(q): Query<ZeroParams>) -> Result<Response, PageError> {
    let actor = staff.actor();
    let current = s.app.zero_employment(actor, Some(&q.township), true).await.map_err(|e| staff.err(e))?;
    // The page shows the 200 most recently cleared; it need not read the whole history.
    let cleared = s.app.zero_employment_first(actor, Some(&q.township), false, 200).await.map_err(|e| staff.err(e))?;
    let mut by: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for z in &current {
        *by.entry(z.township_name.clone()).or_default() += 1;
    }
    Ok(ZeroPage {
        nav: Nav::of(&staff),
        townships: township_opts(&q.township),
        can_pick_township: actor.scope_township().is_none(),
        by_township: by.into_iter().collect(),
        current,
        cleared: cleared
            .into_iter()
            .take(200)
            .map(|z| {
                let r = jiuye_app::zero_employment::cleared_reason_label(z.cleared_reason.as_deref().unwrap_or(""));
                (z, r)
            })
            .collect(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "key_groups.html")]
struct KeyGroupsPage {
    nav: Option<Nav>,
    t: jiuye_app::unemployment::KeyGroupTable,
}

/// `GET /statistics/key-groups`: persons of each key group by township, and how many of them are
/// registered unemployed (counts only).
pub async fn key_groups(State(s): State<AppState>, staff: Staff, Query(q): Query<TaskParams>) -> Result<Response, PageError> {
    let as_of = super::policy::parse_as_of(&q.as_of).map_err(|e| staff.err(e))?;
    let t = s.app.key_group_statistics(staff.actor(), as_of).await.map_err(|e| staff.err(e))?;
    Ok(KeyGroupsPage { nav: Nav::of(&staff), t }.into_response())
}

pub struct RecognitionRow {
    pub id: i64,
    pub category: String,
    pub on: String,
    pub evidence: String,
    pub reviewer: String,
    pub revoked: String,
}

pub fn recognition_row(app: &jiuye_app::App, r: &jiuye_store::difficult::RecognitionRecord) -> RecognitionRow {
    RecognitionRow {
        id: r.id,
        category: app.difficult_category(&r.category).map(|c| c.label.clone()).unwrap_or_else(|| r.category.clone()),
        on: r.recognized_on.to_string(),
        evidence: r.evidence.clone(),
        reviewer: r.reviewer.clone(),
        revoked: match (r.revoked_on, &r.revoke_reason) {
            (Some(d), Some(why)) => format!("{d} 撤销：{why}"),
            _ => String::new(),
        },
    }
}

#[derive(serde::Deserialize)]
pub struct RecognizeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    recognized_on: String,
    #[serde(default)]
    evidence: String,
}

/// `POST /persons/{id}/difficult`: recognition by the bureau.
pub async fn recognize(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<RecognizeForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    s.app.recognize_difficult(staff.actor(), id, &f.category, &f.recognized_on, &f.evidence).await.map_err(|e| staff.err(e))?;
    Ok(Redirect::to(&urls::person(id)).into_response())
}

#[derive(serde::Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /persons/{id}/difficult/{rid}/revoke`.
pub async fn revoke(
    State(s): State<AppState>,
    staff: Staff,
    Path((id, rid)): Path<(Uuid, i64)>,
    Form(f): Form<RevokeForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    s.app.revoke_difficult(staff.actor(), id, rid, &f.reason).await.map_err(|e| staff.err(e))?;
    Ok(Redirect::to(&urls::person(id)).into_response())
}

#[derive(serde::Deserialize)]
pub struct RemindForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    township: String,
}

/// `POST /followup/remind`: SMS reminders of services to this month's due list.
pub async fn remind(State(s): State<AppState>, staff: Staff, Form(f): Form<RemindForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let (queued, skipped, already) = s.app.remind_due(staff.actor(), Some(&f.township), None).await.map_err(|e| staff.err(e))?;
    let q = serde_urlencoded::to_string([(
        "reminded",
        format!("已生成{queued}条提醒短信；{skipped}人无手机号或已退订，{already}人本月已提醒过"),
    )])
    .unwrap_or_default();
    Ok(Redirect::to(&format!("/followup?{q}")).into_response())
}
