//! The enterprise registry pages: list, detail with the size-class basis, create, edit, export.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::registry::EnterpriseInput;
use jiuye_domain::{Industry, SizeClass};
use jiuye_store::enterprises::{EnterpriseFilter, EnterpriseRecord};
use jiuye_store::persons::Page;
use uuid::Uuid;

use super::persons::{RevealPage, xlsx_download};
use super::{Nav, Opt, PAGE_SIZE, Pager, industry_opts, local_time, page_of, size_opts, township_opts};
use crate::auth::Staff;
use crate::error::PageError;
use crate::{AppState, urls};

pub struct EnterpriseRow {
    pub id: Uuid,
    pub name: String,
    pub credit_code: String,
    pub township: String,
    pub industry: &'static str,
    pub staff: String,
    pub insured: String,
    pub revenue: String,
    pub size: &'static str,
    pub size_basis: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub status: &'static str,
    pub updated_at: String,
    pub version: i64,
}

fn row(e: &EnterpriseRecord) -> EnterpriseRow {
    EnterpriseRow {
        id: e.id,
        name: e.name.clone(),
        credit_code: e.credit_code.clone(),
        township: e.township_name.clone(),
        industry: Industry::from_code(&e.industry).map(|i| i.label()).unwrap_or(""),
        staff: e.staff.map(|v| v.to_string()).unwrap_or_default(),
        insured: e.insured.map(|v| v.to_string()).unwrap_or_default(),
        revenue: e.revenue_fen.map(|r| format!("{}万元", jiuye_domain::size_class::fen_to_wan(r))).unwrap_or_else(|| "未填".into()),
        size: SizeClass::from_code(&e.size_class).map(|s| s.label()).unwrap_or(""),
        size_basis: e.size_basis.clone(),
        contact_name: e.contact_name.clone().unwrap_or_default(),
        contact_phone: e.contact_phone_masked.clone().unwrap_or_default(),
        status: jiuye_domain::EnterpriseStatus::from_code(&e.status).map(|s| s.label()).unwrap_or(""),
        updated_at: local_time(e.updated_at),
        version: e.version,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises_list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    name: String,
    credit_code: String,
    townships: Vec<Opt>,
    sizes: Vec<Opt>,
    rows: Vec<EnterpriseRow>,
    pager: Pager,
    errors: Vec<String>,
    can_edit: bool,
    can_export: bool,
    export_fields: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct ListParams {
    #[serde(default)]
    name: String,
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    size_class: String,
    #[serde(default)]
    industry: String,
    page: Option<i64>,
}

/// The list's filter from its query; an unknown township is an error naming the field.
pub fn filter_of(p: &ListParams) -> Result<EnterpriseFilter, AppError> {
    let t = |s: &str| Some(jiuye_domain::normalize::normalize(s)).filter(|v| !v.is_empty());
    let township = match t(&p.township) {
        Some(tw) => Some(jiuye_domain::division::parse_township(&tw).map_err(|e| AppError::Validation(vec![e]))?.to_string()),
        None => None,
    };
    Ok(EnterpriseFilter {
        name_prefix: t(&p.name),
        credit_code: t(&p.credit_code).map(|c| c.to_ascii_uppercase()),
        township_code: township,
        industry: Industry::from_code(&p.industry).map(|i| i.code().to_string()),
        size_class: SizeClass::from_code(&p.size_class).map(|c| c.code().to_string()),
    })
}

fn pairs(p: &ListParams) -> Vec<(String, String)> {
    [
        ("name", &p.name),
        ("credit_code", &p.credit_code),
        ("township", &p.township),
        ("size_class", &p.size_class),
        ("industry", &p.industry),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect()
}

pub async fn list(State(s): State<AppState>, staff: Staff, Query(p): Query<ListParams>) -> Result<Response, PageError> {
    let page = page_of(p.page);
    let f = filter_of(&p).map_err(|e| staff.err(e))?;
    let (rows, total) = s
        .app
        .list_enterprises(staff.actor(), &f, Page { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
        .await
        .map_err(|e| staff.err(e))?;
    let role = staff.actor().role;
    let pr = pairs(&p);
    Ok(ListPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        townships: township_opts(f.township_code.as_deref().unwrap_or("")),
        sizes: size_opts(&p.size_class),
        rows: rows.iter().map(row).collect(),
        pager: Pager::new(urls::enterprises(), &pr, page, total),
        errors: Vec::new(),
        can_edit: role.can_edit_registry(),
        can_export: role.can_export(),
        export_fields: pr,
        name: p.name,
        credit_code: p.credit_code,
    }
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    p: ListParams,
}

pub async fn export(State(s): State<AppState>, staff: Staff, Form(f): Form<ExportForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("enterprises.xlsx");
    let desc = serde_json::json!(pairs(&f.p));
    let filter = filter_of(&f.p).map_err(|e| staff.err(e))?;
    s.app.export_enterprises(staff.actor(), &filter, desc, &path).await.map_err(|e| staff.err(e))?;
    s.metrics.exports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    Ok(xlsx_download("企业名册.xlsx", bytes))
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise_detail.html")]
struct DetailPage {
    nav: Option<Nav>,
    csrf: String,
    e: EnterpriseRow,
    can_edit: bool,
    can_reveal: bool,
}

pub async fn detail(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let e = s.app.get_enterprise(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let role = staff.actor().role;
    Ok(DetailPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        e: row(&e),
        can_edit: role.can_edit_enterprise(),
        can_reveal: role.can_reveal(),
    }
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    csrf: String,
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
    let e = s.app.get_enterprise(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let value = s.app.reveal_enterprise_contact(staff.actor(), id, &f.reason).await.map_err(|e| staff.err(e))?;
    Ok(RevealPage { nav: Nav::of(&staff), name: e.name, field_label: "联系电话", value, reason: f.reason, back: urls::enterprise(id) }
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise_form.html")]
struct FormPage {
    nav: Option<Nav>,
    csrf: String,
    editing: bool,
    action: String,
    cancel: String,
    version: i64,
    f: EnterpriseInput,
    townships: Vec<Opt>,
    industries: Vec<Opt>,
    statuses: Vec<Opt>,
    errors: Vec<String>,
}

fn form_page(staff: &Staff, editing: Option<(Uuid, i64)>, f: EnterpriseInput, errors: Vec<String>) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let default_t = staff.actor().township.clone().unwrap_or_default();
    let t = jiuye_domain::division::parse_township(&f.township).map(str::to_string).unwrap_or(default_t);
    let industry = Industry::parse(&f.industry).map(|i| i.code().to_string()).unwrap_or_default();
    let (action, cancel, version) = match editing {
        Some((id, v)) => (urls::enterprise(id), urls::enterprise(id), v),
        None => ("/enterprises".to_string(), urls::enterprises().to_string(), 0),
    };
    let page = FormPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        editing: editing.is_some(),
        action,
        cancel,
        version,
        townships: township_opts(&t),
        industries: industry_opts(&industry),
        statuses: super::opts(
            jiuye_domain::EnterpriseStatus::ALL.iter().map(|x| (x.code(), x.label())),
            if f.status.is_empty() { "active" } else { &f.status },
        ),
        f,
        errors,
    };
    (status, page).into_response()
}

pub async fn new_form(staff: Staff) -> Result<Response, PageError> {
    if !staff.actor().role.can_edit_registry() {
        return Err(staff.err(AppError::Forbidden("当前角色不能登记企业")));
    }
    Ok(form_page(&staff, None, EnterpriseInput::default(), Vec::new()))
}

#[derive(serde::Deserialize)]
pub struct EnterpriseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(flatten)]
    input: EnterpriseInput,
}

pub async fn create(State(s): State<AppState>, staff: Staff, Form(f): Form<EnterpriseForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.create_enterprise(staff.actor(), &f.input).await {
        Ok(id) => Ok(Redirect::to(&urls::enterprise(id)).into_response()),
        Err(AppError::Validation(errs)) => Ok(form_page(&staff, None, f.input, errs.iter().map(|e| e.to_string()).collect())),
        Err(e) => Err(staff.err(e)),
    }
}

pub async fn edit_form(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let e = s.app.get_enterprise(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    if !staff.actor().role.can_edit_enterprise() {
        return Err(staff.err(AppError::Forbidden("当前角色不能修改企业信息")));
    }
    let input = EnterpriseInput {
        name: e.name.clone(),
        credit_code: e.credit_code.clone(),
        township: e.township_code.clone(),
        industry: e.industry.clone(),
        staff: e.staff.map(|v| v.to_string()).unwrap_or_default(),
        insured: e.insured.map(|v| v.to_string()).unwrap_or_default(),
        revenue_wan: e.revenue_fen.map(jiuye_domain::size_class::fen_to_wan).unwrap_or_default(),
        contact_name: e.contact_name.clone().unwrap_or_default(),
        contact_phone: String::new(),
        status: e.status.clone(),
    };
    Ok(form_page(&staff, Some((id, e.version)), input, Vec::new()))
}

pub async fn update(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<EnterpriseForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.update_enterprise(staff.actor(), id, f.version, &f.input).await {
        Ok(()) => Ok(Redirect::to(&urls::enterprise(id)).into_response()),
        Err(AppError::Validation(errs)) => {
            Ok(form_page(&staff, Some((id, f.version)), f.input, errs.iter().map(|e| e.to_string()).collect()))
        }
        Err(e) => Err(staff.err(e)),
    }
}
