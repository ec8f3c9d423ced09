//! Staff and enterprise pages for vacancies: the list, submission and editing, the review with its
//! cross-checks, filled posts and closing.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::jobs::{ReviewCheck, ReviewDecision, VacancyInput, can_review, can_submit, short_id, stored_checks};
use jiuye_domain::{Education, Role, VacancyKind, VacancyStatus, WorkType, occupation};
use jiuye_store::persons::Page;
use jiuye_store::vacancies::{VacancyFilter, VacancyRecord};
use uuid::Uuid;

use super::{Nav, Opt, PAGE_SIZE, Pager, local_time, opts, page_of, township_opts};
use crate::auth::Staff;
use crate::error::PageError;
use crate::{AppState, urls};

/// A vacancy as pages show it.
pub struct VacancyRow {
    pub id: Uuid,
    pub number: String,
    pub kind: &'static str,
    pub is_public_post: bool,
    pub employer: String,
    pub title: String,
    pub occupation: String,
    pub posts: i64,
    pub filled: i64,
    pub pay: String,
    pub education: &'static str,
    pub experience: String,
    pub work_type: &'static str,
    pub township: String,
    pub address: String,
    pub description: String,
    pub how_to_apply: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub valid_until: String,
    pub status: &'static str,
    pub status_code: String,
    pub submitted_by: String,
    pub submitted_at: String,
    pub reviewed: String,
    pub published_at: String,
    pub close_reason: String,
    pub version: i64,
}

pub fn vacancy_row(v: &VacancyRecord) -> VacancyRow {
    VacancyRow {
        id: v.id,
        number: short_id(v.id),
        kind: VacancyKind::from_code(&v.kind).map(|k| k.label()).unwrap_or(""),
        is_public_post: v.kind != VacancyKind::Ordinary.code(),
        employer: v.employer_name.clone(),
        title: v.title.clone(),
        occupation: occupation::by_code(&v.occupation_code).map(|o| o.name.to_string()).unwrap_or_else(|| v.occupation_code.clone()),
        posts: v.posts,
        filled: v.filled,
        pay: if v.pay_min_yuan == v.pay_max_yuan {
            format!("{}元/月", v.pay_min_yuan)
        } else {
            format!("{}–{}元/月", v.pay_min_yuan, v.pay_max_yuan)
        },
        education: v.education_min.as_deref().and_then(Education::from_code).map(|e| e.label()).unwrap_or("不限"),
        experience: v
            .experience_min_years
            .map(|y| if y == 0 { "不限".to_string() } else { format!("{y}年以上") })
            .unwrap_or_else(|| "不限".into()),
        work_type: WorkType::from_code(&v.work_type).map(|w| w.label()).unwrap_or(""),
        township: v.township_name.clone(),
        address: v.address.clone(),
        description: v.description.clone(),
        how_to_apply: v.how_to_apply.clone(),
        contact_name: v.contact_name.clone(),
        contact_phone: v.contact_phone.clone(),
        valid_until: v.valid_until.to_string(),
        status: VacancyStatus::from_code(&v.status).map(|s| s.label()).unwrap_or(""),
        status_code: v.status.clone(),
        submitted_by: v.submitted_by.clone(),
        submitted_at: local_time(v.submitted_at),
        reviewed: match (&v.reviewed_by, v.reviewed_at) {
            (Some(b), Some(at)) => {
                format!("{b} {}{}", local_time(at), v.review_note.as_deref().map(|n| format!("：{n}")).unwrap_or_default())
            }
            _ => String::new(),
        },
        published_at: v.published_at.map(local_time).unwrap_or_default(),
        close_reason: v.close_reason.clone().unwrap_or_default(),
        version: v.version,
    }
}

pub fn occupation_opts(current: &str) -> Vec<Opt> {
    opts(occupation::OCCUPATIONS.iter().map(|o| (o.code, o.name)), current)
}

pub fn work_type_opts(current: &str) -> Vec<Opt> {
    opts(WorkType::ALL.iter().map(|w| (w.code(), w.label())), current)
}

#[derive(Template, WebTemplate)]
#[template(path = "vacancies_list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    heading: &'static str,
    statuses: Vec<Opt>,
    townships: Vec<Opt>,
    rows: Vec<VacancyRow>,
    pager: Pager,
    can_submit: bool,
    can_review: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    township: String,
    page: Option<i64>,
}

pub async fn list(State(s): State<AppState>, staff: Staff, Query(p): Query<ListParams>) -> Result<Response, PageError> {
    let page = page_of(p.page);
    let mut f = VacancyFilter::default();
    if let Some(st) = VacancyStatus::from_code(&p.status) {
        f.statuses = vec![st.code().to_string()];
    }
    if !p.township.is_empty() {
        f.township_code =
            Some(jiuye_domain::division::parse_township(&p.township).map_err(|e| staff.err(AppError::Validation(vec![e])))?.to_string());
    }
    let (rows, total) = s
        .app
        .list_vacancies(staff.actor(), &f, Page { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
        .await
        .map_err(|e| staff.err(e))?;
    let query: Vec<(String, String)> = vec![("status".into(), p.status.clone()), ("township".into(), p.township.clone())];
    let role = staff.actor().role;
    Ok(ListPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        heading: if role == Role::EnterpriseHr { "本单位岗位" } else { "岗位管理" },
        statuses: opts(VacancyStatus::ALL.iter().map(|s| (s.code(), s.label())), &p.status),
        townships: township_opts(f.township_code.as_deref().unwrap_or("")),
        rows: rows.iter().map(vacancy_row).collect(),
        pager: Pager::new(urls::vacancies(), &query, page, total),
        can_submit: can_submit(role),
        can_review: can_review(role),
    }
    .into_response())
}

pub async fn review_queue(State(s): State<AppState>, staff: Staff, Query(p): Query<ListParams>) -> Result<Response, PageError> {
    if !can_review(staff.actor().role) {
        return Err(staff.err(AppError::Forbidden("只有区人社局工作人员可以审核岗位")));
    }
    let page = page_of(p.page);
    let (rows, total) =
        s.app.review_queue(staff.actor(), Page { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }).await.map_err(|e| staff.err(e))?;
    Ok(ListPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        heading: "待审核岗位（先提交的在前）",
        statuses: Vec::new(),
        townships: Vec::new(),
        rows: rows.iter().map(vacancy_row).collect(),
        pager: Pager::new(urls::review_queue(), &[], page, total),
        can_submit: false,
        can_review: true,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "vacancy_detail.html")]
struct DetailPage {
    nav: Option<Nav>,
    csrf: String,
    v: VacancyRow,
    checks: Vec<ReviewCheck>,
    checks_live: bool,
    history: Vec<(String, String, String, String)>,
    may_review: bool,
    may_change: bool,
    sees_persons: bool,
    is_published: bool,
    is_open: bool,
    is_rejected: bool,
    remaining: i64,
    notice: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    done: String,
}

pub async fn detail(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>, Query(n): Query<Notice>) -> Result<Response, PageError> {
    let actor = staff.actor();
    let v = s.app.get_vacancy(Some(actor), id).await.map_err(|e| staff.err(e))?;
    let history = s.app.vacancy_history(actor, id).await.map_err(|e| staff.err(e))?;
    let is_pending = v.status == VacancyStatus::Pending.code();
    // A pending vacancy is checked again now: the registry may have changed since submission.
    let (checks, live) = if is_pending && can_review(actor.role) {
        (s.app.recheck_vacancy(&v).await.map_err(|e| staff.err(e))?, true)
    } else {
        (stored_checks(&v), false)
    };
    let may_change = s.app.may_change_vacancy(actor, &v);
    Ok(DetailPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        checks,
        checks_live: live,
        history: history
            .iter()
            .map(|e| {
                let action = jiuye_domain::VacancyAction::from_code(&e.action).map(|a| a.label()).unwrap_or("");
                let to = VacancyStatus::from_code(&e.to_status).map(|s| s.label()).unwrap_or("");
                (local_time(e.at), e.actor_login.clone(), format!("{action} → {to}"), e.note.clone())
            })
            .collect(),
        may_review: is_pending && can_review(actor.role) && v.submitted_by != actor.login,
        may_change,
        sees_persons: actor.role.can_read_persons(),
        is_published: v.status == VacancyStatus::Published.code(),
        is_open: VacancyStatus::from_code(&v.status).is_some_and(|s| s.is_open()),
        is_rejected: v.status == VacancyStatus::Rejected.code(),
        remaining: v.posts - v.filled,
        notice: match n.done.as_str() {
            "submitted" => "岗位已提交，等待区人社局审核。".into(),
            "approve" => "已审核通过，岗位已发布。".into(),
            "reject" => "已驳回。".into(),
            "filled" => "已登记招用人数。".into(),
            "close" => "岗位已关闭。".into(),
            "edit" => "已修改，岗位重新进入审核。".into(),
            _ => String::new(),
        },
        v: vacancy_row(&v),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "vacancy_form.html")]
struct FormPage {
    nav: Option<Nav>,
    csrf: String,
    editing: bool,
    action: String,
    cancel: String,
    version: i64,
    f: VacancyInput,
    is_enterprise: bool,
    kinds: Vec<Opt>,
    occupations: Vec<Opt>,
    work_types: Vec<Opt>,
    educations: Vec<Opt>,
    townships: Vec<Opt>,
    errors: Vec<String>,
}

fn form_page(staff: &Staff, editing: Option<(Uuid, i64)>, f: VacancyInput, errors: Vec<String>) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let (action, cancel, version) = match editing {
        Some((id, v)) => (urls::vacancy(id), urls::vacancy(id), v),
        None => (urls::vacancies().to_string(), urls::vacancies().to_string(), 0),
    };
    let occ = occupation::parse(&f.occupation).map(|o| o.code).unwrap_or("");
    let wt = WorkType::parse(&f.work_type).map(|w| w.code()).unwrap_or("full_time");
    let edu = Education::parse(&f.education_min).map(|e| e.code()).unwrap_or("");
    let default_t = staff.actor().township.clone().unwrap_or_default();
    let t = jiuye_domain::division::parse_township(&f.township).map(str::to_string).unwrap_or(default_t);
    let page = FormPage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        editing: editing.is_some(),
        action,
        cancel,
        version,
        is_enterprise: staff.actor().role == Role::EnterpriseHr,
        kinds: opts(VacancyKind::ALL.iter().map(|k| (k.code(), k.label())), if f.kind.is_empty() { "ordinary" } else { &f.kind }),
        occupations: occupation_opts(occ),
        work_types: work_type_opts(wt),
        educations: opts(Education::ALL.iter().map(|e| (e.code(), e.label())), edu),
        townships: township_opts(&t),
        f,
        errors,
    };
    (status, page).into_response()
}

pub async fn new_form(staff: Staff) -> Result<Response, PageError> {
    if !can_submit(staff.actor().role) {
        return Err(staff.err(AppError::Forbidden("当前角色不能提交岗位")));
    }
    Ok(form_page(&staff, None, VacancyInput::default(), Vec::new()))
}

#[derive(serde::Deserialize)]
pub struct VacancyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(flatten)]
    input: VacancyInput,
}

pub async fn create(State(s): State<AppState>, staff: Staff, Form(f): Form<VacancyForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.submit_vacancy(staff.actor(), &f.input).await {
        Ok(id) => Ok(Redirect::to(&format!("{}?done=submitted", urls::vacancy(id))).into_response()),
        Err(AppError::Validation(errs)) => Ok(form_page(&staff, None, f.input, errs.iter().map(|e| e.to_string()).collect())),
        Err(e) => Err(staff.err(e)),
    }
}

pub async fn edit_form(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let v = s.app.get_vacancy(Some(staff.actor()), id).await.map_err(|e| staff.err(e))?;
    if !s.app.may_change_vacancy(staff.actor(), &v) {
        return Err(staff.err(AppError::Forbidden("不能修改此岗位")));
    }
    let credit_code = match v.enterprise_id {
        Some(e) => s.app.store.get_enterprise(&jiuye_store::Scope::All, e).await.ok().flatten().map(|e| e.credit_code).unwrap_or_default(),
        None => String::new(),
    };
    let input = VacancyInput {
        kind: v.kind.clone(),
        credit_code,
        employer_name: v.employer_name.clone(),
        title: v.title.clone(),
        occupation: v.occupation_code.clone(),
        posts: v.posts.to_string(),
        pay_min: v.pay_min_yuan.to_string(),
        pay_max: v.pay_max_yuan.to_string(),
        education_min: v.education_min.clone().unwrap_or_default(),
        experience_min_years: v.experience_min_years.map(|y| y.to_string()).unwrap_or_default(),
        work_type: v.work_type.clone(),
        township: v.township_code.clone(),
        address: v.address.clone(),
        description: v.description.clone(),
        how_to_apply: v.how_to_apply.clone(),
        contact_name: v.contact_name.clone(),
        contact_phone: v.contact_phone.clone(),
        valid_until: v.valid_until.to_string(),
    };
    Ok(form_page(&staff, Some((id, v.version)), input, Vec::new()))
}

pub async fn update(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<VacancyForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    match s.app.edit_vacancy(staff.actor(), id, f.version, &f.input).await {
        Ok(()) => Ok(Redirect::to(&format!("{}?done=edit", urls::vacancy(id))).into_response()),
        Err(AppError::Validation(errs)) => {
            Ok(form_page(&staff, Some((id, f.version)), f.input, errs.iter().map(|e| e.to_string()).collect()))
        }
        Err(e) => Err(staff.err(e)),
    }
}

#[derive(serde::Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    count: String,
}

/// `POST /vacancies/{id}/{action}`: review, filled, close.
pub async fn action(
    State(s): State<AppState>,
    staff: Staff,
    Path((id, action)): Path<(Uuid, String)>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let actor = staff.actor();
    let done = match action.as_str() {
        "review" => {
            let d = match f.decision.as_str() {
                "approve" => ReviewDecision::Approve,
                "reject" => ReviewDecision::Reject,
                _ => return Err(staff.err(AppError::BadInput("请选择审核结论".into()))),
            };
            s.app.review_vacancy(actor, id, f.version, d, &f.note).await.map_err(|e| staff.err(e))?;
            f.decision.as_str()
        }
        "filled" => {
            let n: i64 = f.count.trim().parse().map_err(|_| staff.err(AppError::field("招用人数", "number.invalid", "请填写整数")))?;
            s.app.record_filled(actor, id, f.version, n, &f.note).await.map_err(|e| staff.err(e))?;
            "filled"
        }
        "close" => {
            s.app.close_vacancy(actor, id, f.version, &f.note).await.map_err(|e| staff.err(e))?;
            "close"
        }
        _ => return Err(staff.err(AppError::NotFound)),
    };
    Ok(Redirect::to(&format!("{}?done={done}", urls::vacancy(id))).into_response())
}

#[derive(serde::Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    full: String,
}

/// `POST /vacancies/export`: the passing-up file (归集), incremental unless `full=on`.
pub async fn export(State(s): State<AppState>, staff: Staff, Form(f): Form<ExportForm>) -> Result<Response, PageError> {
    use jiuye_app::vacancy_export::ExportFormat;
    staff.check_csrf(&f.csrf)?;
    let format = if f.format == "xlsx" { ExportFormat::Xlsx } else { ExportFormat::Json };
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("export");
    s.app.export_vacancies(staff.actor(), format, f.full == "on", &path).await.map_err(|e| staff.err(e))?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    Ok(match format {
        ExportFormat::Xlsx => super::persons::xlsx_download("岗位归集.xlsx", bytes),
        ExportFormat::Json => (
            [
                (axum::http::header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
                (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"vacancies.json\"".to_string()),
            ],
            bytes,
        )
            .into_response(),
    })
}
