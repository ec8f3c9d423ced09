//! The person registry pages: list with search, detail, create, edit, audited reveal, export.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::export::tags_label;
use jiuye_app::registry::{PersonInput, PersonQuery, RevealField};
use jiuye_domain::{Education, Tag};
use jiuye_store::persons::{Page, PersonRecord};
use uuid::Uuid;

use super::{
    Nav, Opt, PAGE_SIZE, Pager, age, education_opts, local_time, page_of, sex_label, status_label, status_opts, tag_opts, township_opts,
};
use crate::auth::Staff;
use crate::error::PageError;
use crate::{AppState, urls};

pub struct PersonRow {
    pub id: Uuid,
    pub name: String,
    pub id_masked: String,
    pub sex: &'static str,
    pub birth_date: String,
    pub age: i32,
    pub phone_masked: String,
    pub township: String,
    pub village: String,
    pub tags: String,
    pub status: &'static str,
}

pub fn row(p: &PersonRecord, today: time::Date) -> PersonRow {
    PersonRow {
        id: p.id,
        name: p.name.clone(),
        id_masked: p.id_masked.clone(),
        sex: sex_label(&p.sex),
        birth_date: p.birth_date.to_string(),
        age: age(p.birth_date, today),
        phone_masked: p.phone_masked.clone().unwrap_or_default(),
        township: p.township_name.clone(),
        village: p.village_name.clone().unwrap_or_default(),
        tags: tags_label(&p.tags),
        status: status_label(&p.employment_status),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "persons_list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    q: PersonQuery,
    townships: Vec<Opt>,
    tags: Vec<Opt>,
    statuses: Vec<Opt>,
    rows: Vec<PersonRow>,
    pager: Pager,
    errors: Vec<String>,
    can_edit: bool,
    can_export: bool,
    searching_by_number: bool,
    export_fields: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    #[serde(flatten)]
    q: PersonQuery,
    page: Option<i64>,
}

fn query_pairs(q: &PersonQuery) -> Vec<(String, String)> {
    [
        ("name", &q.name),
        ("id_number", &q.id_number),
        ("phone", &q.phone),
        ("township", &q.township),
        ("village", &q.village),
        ("tag", &q.tag),
        ("employment_status", &q.employment_status),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect()
}

pub async fn list(State(s): State<AppState>, staff: Staff, Query(p): Query<ListParams>) -> Result<Response, PageError> {
    let mut q = p.q;
    let mut errors = Vec::new();
    // Full numbers must not sit in URLs: send them through the search form instead.
    if jiuye_domain::IdNumber::parse(&q.id_number).is_ok() || jiuye_domain::Phone::parse(&q.phone).is_ok() {
        q.id_number.clear();
        q.phone.clear();
        errors.push("请使用“按号码查找”输入完整号码".to_string());
    }
    let page = page_of(p.page);
    let (rows, total) = match s.app.list_persons(staff.actor(), &q, Page { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }).await {
        Ok(r) => r,
        Err(AppError::Validation(errs)) => {
            errors.extend(errs.iter().map(|e| e.to_string()));
            (Vec::new(), 0)
        }
        Err(e) => return Err(staff.err(e)),
    };
    let today = s.app.clock.today();
    let pairs = query_pairs(&q);
    let role = staff.actor().role;
    Ok(ListPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        townships: township_opts(&q.township),
        tags: tag_opts(&q.tag),
        statuses: status_opts(&q.employment_status),
        rows: rows.iter().map(|p| row(p, today)).collect(),
        pager: Pager::new(urls::persons(), &pairs, page, total),
        errors,
        can_edit: role.can_edit_registry(),
        can_export: role.can_export(),
        searching_by_number: !q.id_number.is_empty() || !q.phone.is_empty(),
        export_fields: pairs,
        q,
    }
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
}

/// Full numbers arrive in the POST body and leave as blind-index tokens in the redirect URL.
pub async fn search(State(s): State<AppState>, staff: Staff, Form(f): Form<SearchForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let mut q = PersonQuery { id_number: f.id_number.trim().to_string(), phone: f.phone.trim().to_string(), ..Default::default() };
    s.app.tokenize_query(&mut q);
    let qs = serde_urlencoded::to_string(query_pairs(&q)).unwrap_or_default();
    Ok(Redirect::to(&format!("{}?{qs}", urls::persons())).into_response())
}

#[derive(serde::Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    q: PersonQuery,
}

pub async fn export(State(s): State<AppState>, staff: Staff, Form(f): Form<ExportForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("persons.xlsx");
    s.app.export_persons(staff.actor(), &f.q, &path).await.map_err(|e| staff.err(e))?;
    s.metrics.exports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    Ok(xlsx_download("人员名册.xlsx", bytes))
}

pub fn xlsx_download(name: &str, bytes: Vec<u8>) -> Response {
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{encoded}")),
        ],
        bytes,
    )
        .into_response()
}

pub struct PersonView {
    pub id: Uuid,
    pub name: String,
    pub id_masked: String,
    pub sex: &'static str,
    pub birth_date: String,
    pub age: i32,
    pub phone_masked: String,
    pub township: String,
    pub village: String,
    pub household_id: Option<Uuid>,
    pub household_no: String,
    pub tags: String,
    pub education: &'static str,
    pub graduation_date: String,
    pub status: &'static str,
    pub updated_at: String,
    pub version: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "person_detail.html")]
struct DetailPage {
    nav: Option<Nav>,
    csrf: String,
    p: PersonView,
    can_edit: bool,
    can_reveal: bool,
    spells: Vec<super::followup::SpellRow>,
    has_open_spell: bool,
    today: String,
    recognitions: Vec<super::followup::RecognitionRow>,
    can_recognize: bool,
    categories: Vec<super::Opt>,
}

pub async fn detail(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = s.app.get_person(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let today = s.app.clock.today();
    let view = PersonView {
        id: p.id,
        name: p.name.clone(),
        id_masked: p.id_masked.clone(),
        sex: sex_label(&p.sex),
        birth_date: p.birth_date.to_string(),
        age: age(p.birth_date, today),
        phone_masked: p.phone_masked.clone().unwrap_or_else(|| "未登记".into()),
        township: p.township_name.clone(),
        village: p.village_name.clone().unwrap_or_else(|| "—".into()),
        household_id: p.household_id,
        household_no: p.household_no.clone().unwrap_or_default(),
        tags: tags_label(&p.tags),
        education: p.education.as_deref().and_then(Education::from_code).map(|e| e.label()).unwrap_or("—"),
        graduation_date: p.graduation_date.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
        status: status_label(&p.employment_status),
        updated_at: local_time(p.updated_at),
        version: p.version,
    };
    let role = staff.actor().role;
    let spells = s.app.registrations_of_person(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let recognitions = s.app.recognitions_of(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    Ok(DetailPage {
        recognitions: recognitions.iter().map(|r| super::followup::recognition_row(&s.app, r)).collect(),
        can_recognize: matches!(role, jiuye_domain::Role::Admin | jiuye_domain::Role::BureauStaff),
        categories: s
            .app
            .difficult
            .iter()
            .filter(|c| c.valid_on(today))
            .map(|c| super::Opt { value: c.code.clone(), label: c.label.clone(), selected: false })
            .collect(),
        has_open_spell: spells.iter().any(|r| r.closed_on.is_none()),
        spells: spells.iter().map(super::followup::spell_row).collect(),
        today: today.to_string(),
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        p: view,
        can_edit: role.can_edit_registry(),
        can_reveal: role.can_reveal(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "reveal.html")]
pub struct RevealPage {
    pub nav: Option<Nav>,
    pub name: String,
    pub field_label: &'static str,
    pub value: String,
    pub reason: String,
    pub back: String,
}

#[derive(serde::Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    reason: String,
}

pub async fn reveal(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<RevealForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let field = RevealField::parse(&f.field).ok_or_else(|| staff.err(AppError::BadInput("未知的查看内容".into())))?;
    let p = s.app.get_person(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let value = s.app.reveal_person(staff.actor(), id, field, &f.reason).await.map_err(|e| staff.err(e))?;
    Ok(RevealPage {
        nav: Nav::of(&staff),
        name: p.name,
        field_label: if field == RevealField::IdNumber { "公民身份号码" } else { "联系电话" },
        value,
        reason: f.reason,
        back: urls::person(id),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "person_form.html")]
struct FormPage {
    nav: Option<Nav>,
    csrf: String,
    editing: bool,
    action: String,
    cancel: String,
    version: i64,
    id_masked: String,
    f: PersonInput,
    townships: Vec<Opt>,
    villages: Vec<String>,
    educations: Vec<Opt>,
    statuses: Vec<Opt>,
    errors: Vec<String>,
}

async fn form_page(
    s: &AppState,
    staff: &Staff,
    editing: Option<(Uuid, i64, String)>,
    f: PersonInput,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let township = jiuye_domain::division::parse_township(&f.township).unwrap_or_default();
    let default_township = staff.actor().township.clone().unwrap_or_default();
    let t = if township.is_empty() { default_township.as_str() } else { township };
    let villages = s
        .app
        .store
        .list_villages(if t.is_empty() { None } else { Some(t) })
        .await
        .map_err(|e| staff.err(e.into()))?
        .into_iter()
        .map(|v| v.name)
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let (action, cancel, version, id_masked) = match &editing {
        Some((id, v, m)) => (urls::person(*id), urls::person(*id), *v, m.clone()),
        None => ("/persons".to_string(), urls::persons().to_string(), 0, String::new()),
    };
    let page = FormPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        editing: editing.is_some(),
        action,
        cancel,
        version,
        id_masked,
        townships: township_opts(t),
        villages,
        educations: education_opts(&f.education),
        statuses: status_opts(if f.employment_status.is_empty() { "unknown" } else { &f.employment_status }),
        f,
        errors,
    };
    Ok((status, page).into_response())
}

pub async fn new_form(State(s): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    if !staff.actor().role.can_edit_registry() {
        return Err(staff.err(AppError::Forbidden("当前角色不能登记人员")));
    }
    form_page(&s, &staff, None, PersonInput::default(), Vec::new()).await
}

#[derive(serde::Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(flatten)]
    input: PersonInput,
}

pub async fn create(State(s): State<AppState>, staff: Staff, Form(f): Form<PersonForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.create_person(staff.actor(), &f.input).await {
        Ok(id) => Ok(Redirect::to(&urls::person(id)).into_response()),
        Err(AppError::Validation(errs)) => {
            let mut input = f.input;
            input.id_number = input.id_number.trim().to_string();
            form_page(&s, &staff, None, input, errs.iter().map(|e| e.to_string()).collect()).await
        }
        Err(e) => Err(staff.err(e)),
    }
}

pub async fn edit_form(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    if !staff.actor().role.can_edit_registry() {
        return Err(staff.err(AppError::Forbidden("当前角色不能修改人员")));
    }
    let p = s.app.get_person(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let input = PersonInput {
        name: p.name.clone(),
        id_number: String::new(),
        phone: String::new(),
        township: p.township_code.clone(),
        village: p.village_name.clone().unwrap_or_default(),
        household_no: p.household_no.clone().unwrap_or_default(),
        tags: Tag::from_storage(&p.tags).iter().map(|t| t.label()).collect::<Vec<_>>().join("、"),
        education: p.education.clone().unwrap_or_default(),
        graduation_date: p.graduation_date.map(|d| d.to_string()).unwrap_or_default(),
        employment_status: p.employment_status.clone(),
    };
    form_page(&s, &staff, Some((id, p.version, p.id_masked)), input, Vec::new()).await
}

pub async fn update(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<PersonForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.update_person(staff.actor(), id, f.version, &f.input).await {
        Ok(()) => Ok(Redirect::to(&urls::person(id)).into_response()),
        Err(AppError::Validation(errs)) => {
            let masked = s.app.get_person(staff.actor(), id).await.map(|p| p.id_masked).unwrap_or_default();
            form_page(&s, &staff, Some((id, f.version, masked)), f.input, errs.iter().map(|e| e.to_string()).collect()).await
        }
        Err(e) => Err(staff.err(e)),
    }
}
