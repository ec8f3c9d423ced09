//! The public job board (no login): search by words with filters, sorted by relevance or date,
//! paged; a vacancy page with how to apply; a large-text mode for older readers (`large=1`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiuye_app::AppError;
use jiuye_app::job_search::BoardParams;
use uuid::Uuid;

use super::vacancies::{VacancyRow, occupation_opts, vacancy_row, work_type_opts};
use super::{Nav, Opt, opts, township_opts};
use crate::auth::MaybeStaff;
use crate::error::PageError;
use crate::{AppState, urls};

#[derive(serde::Deserialize, Default)]
pub struct BoardQuery {
    #[serde(flatten)]
    p: BoardParams,
    #[serde(default)]
    large: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "jobs_board.html")]
struct BoardPage {
    nav: Option<Nav>,
    large: bool,
    q: String,
    townships: Vec<Opt>,
    occupations: Vec<Opt>,
    work_types: Vec<Opt>,
    pays: Vec<Opt>,
    withins: Vec<Opt>,
    sorts: Vec<Opt>,
    rows: Vec<VacancyRow>,
    total: u64,
    page: u32,
    pages: u64,
    prev: Option<String>,
    next: Option<String>,
    toggle_large: String,
    errors: Vec<String>,
}

fn link(p: &BoardParams, large: bool, page: Option<u32>) -> String {
    let mut q: Vec<(&str, String)> = [
        ("q", &p.q),
        ("township", &p.township),
        ("occupation", &p.occupation),
        ("work_type", &p.work_type),
        ("kind", &p.kind),
        ("pay_min", &p.pay_min),
        ("posted_within_days", &p.posted_within_days),
        ("sort", &p.sort),
        ("per_page", &p.per_page),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k, v.clone()))
    .collect();
    if let Some(n) = page {
        q.push(("page", n.to_string()));
    }
    if large {
        q.push(("large", "1".into()));
    }
    format!("{}?{}", urls::jobs(), serde_urlencoded::to_string(&q).unwrap_or_default())
}

pub async fn board(State(s): State<AppState>, MaybeStaff(staff): MaybeStaff, Query(bq): Query<BoardQuery>) -> Result<Response, PageError> {
    let p = bq.p;
    let large = bq.large == "1";
    let (rows, total, page, pages, errors, status) = match s.app.board_search(&p).await {
        Ok(r) => {
            let pages = r.total.div_ceil(u64::from(r.per_page)).max(1);
            (r.items.iter().map(vacancy_row).collect(), r.total, r.page, pages, Vec::new(), StatusCode::OK)
        }
        Err(AppError::Validation(errs)) => {
            (Vec::new(), 0, 1, 1, errs.iter().map(|e| e.message.clone()).collect(), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return Err(PageError(e, String::new())),
    };
    let township = jiuye_domain::division::parse_township(&p.township).map(str::to_string).unwrap_or_default();
    let occupation = jiuye_domain::occupation::parse(&p.occupation).map(|o| o.code).unwrap_or("");
    let page_view = BoardPage {
        nav: staff.as_ref().and_then(Nav::of),
        large,
        q: p.q.clone(),
        townships: township_opts(&township),
        occupations: occupation_opts(occupation),
        work_types: work_type_opts(&p.work_type),
        pays: opts(
            [
                ("2000", "2000元以上"),
                ("3000", "3000元以上"),
                ("4000", "4000元以上"),
                ("5000", "5000元以上"),
                ("6000", "6000元以上"),
                ("8000", "8000元以上"),
            ],
            &p.pay_min,
        ),
        withins: opts([("1", "今天"), ("3", "3天内"), ("7", "一周内"), ("30", "一个月内")], &p.posted_within_days),
        sorts: opts([("relevance", "按相关度"), ("newest", "按发布时间")], &p.sort),
        rows,
        total,
        page,
        pages,
        prev: (page > 1).then(|| link(&p, large, Some(page - 1))),
        next: (u64::from(page) < pages).then(|| link(&p, large, Some(page + 1))),
        toggle_large: link(&p, !large, None),
        errors,
    };
    Ok((status, page_view).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Large {
    #[serde(default)]
    large: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "job_detail.html")]
struct DetailPage {
    nav: Option<Nav>,
    large: bool,
    v: VacancyRow,
    remaining: i64,
}

pub async fn detail(
    State(s): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    Path(id): Path<Uuid>,
    Query(l): Query<Large>,
) -> Result<Response, PageError> {
    // The public page shows published vacancies only, whoever asks.
    let v = s.app.get_vacancy(None, id).await.map_err(|e| PageError(e, String::new()))?;
    Ok(DetailPage { nav: staff.as_ref().and_then(Nav::of), large: l.large == "1", remaining: v.posts - v.filled, v: vacancy_row(&v) }
        .into_response())
}
