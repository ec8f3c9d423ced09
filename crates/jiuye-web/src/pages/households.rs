//! Households: list (with the "nobody working" filter) and the member view.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use jiuye_store::households::{HouseholdFilter, HouseholdRecord};
use jiuye_store::persons::Page;
use uuid::Uuid;

use super::persons::{PersonRow, row};
use super::{Nav, Opt, PAGE_SIZE, Pager, page_of, township_opts};
use crate::AppState;
use crate::auth::Staff;
use crate::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "households_list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    can_export: bool,
    export_fields: Vec<(String, String)>,
    household_no: String,
    none_working: bool,
    townships: Vec<Opt>,
    rows: Vec<HouseholdRecord>,
    pager: Pager,
}

#[derive(serde::Deserialize, Default)]
pub struct ExportForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    p: ListParams,
}

pub async fn export(State(s): State<AppState>, staff: Staff, axum::Form(f): axum::Form<ExportForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(jiuye_app::AppError::Internal(e.to_string())))?;
    let path = dir.path().join("households.xlsx");
    s.app.export_households(staff.actor(), &filter_of(&f.p), &path).await.map_err(|e| staff.err(e))?;
    s.metrics.exports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(jiuye_app::AppError::Internal(e.to_string())))?;
    Ok(super::persons::xlsx_download("家庭户.xlsx", bytes))
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    household_no: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    none_working: String,
    page: Option<i64>,
}

fn filter_of(p: &ListParams) -> HouseholdFilter {
    HouseholdFilter {
        household_no: (!p.household_no.trim().is_empty()).then(|| p.household_no.trim().to_string()),
        township_code: jiuye_domain::division::parse_township(&p.township).ok().map(str::to_string),
        village_code: None,
        none_working: p.none_working == "1",
    }
}

pub async fn list(State(s): State<AppState>, staff: Staff, Query(p): Query<ListParams>) -> Result<Response, PageError> {
    let page = page_of(p.page);
    let f = filter_of(&p);
    let township = f.township_code.clone();
    let (rows, total) = s
        .app
        .list_households(staff.actor(), &f, Page { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
        .await
        .map_err(|e| staff.err(e))?;
    let pairs: Vec<(String, String)> = vec![
        ("household_no".into(), p.household_no.clone()),
        ("township".into(), p.township.clone()),
        ("none_working".into(), p.none_working.clone()),
    ];
    Ok(ListPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        can_export: staff.actor().role.can_export(),
        export_fields: pairs.iter().filter(|(_, v)| !v.is_empty()).cloned().collect(),
        none_working: f.none_working,
        household_no: p.household_no,
        townships: township_opts(township.as_deref().unwrap_or("")),
        rows,
        pager: Pager::new("/households", &pairs, page, total),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "household_detail.html")]
struct DetailPage {
    nav: Option<Nav>,
    h: HouseholdRecord,
    members: Vec<PersonRow>,
}

pub async fn detail(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let (h, members) = s.app.get_household(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    let today = s.app.clock.today();
    Ok(DetailPage { nav: Nav::of(&staff), h, members: members.iter().map(|p| row(p, today)).collect() }.into_response())
}
