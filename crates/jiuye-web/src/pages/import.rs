//! Import from the web: upload (size-limited while streaming to a temporary file), a background job,
//! and a progress page that refreshes itself until the report is ready. Templates for download.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::import::{ImportKind, ImportOptions, ImportReport};
use uuid::Uuid;

use super::Nav;
use super::persons::xlsx_download;
use crate::auth::Staff;
use crate::error::PageError;
use crate::jobs::Job;
use crate::{AppState, urls};

#[derive(Template, WebTemplate)]
#[template(path = "import_form.html")]
struct FormPage {
    nav: Option<Nav>,
    csrf: String,
    max_mb: u64,
    errors: Vec<String>,
}

fn form(s: &AppState, staff: &Staff, errors: Vec<String>) -> Response {
    let status = if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    (status, FormPage { nav: Nav::of(staff), csrf: staff.user.csrf.clone(), max_mb: s.config.max_upload_bytes / (1024 * 1024), errors })
        .into_response()
}

pub async fn form_page(State(s): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    if !staff.actor().role.can_import() {
        return Err(staff.err(AppError::Forbidden("当前角色不能导入数据")));
    }
    Ok(form(&s, &staff, Vec::new()))
}

/// Receives the upload. The file goes to a temporary directory that is removed when the job ends
/// (or at once on any error), whatever happens.
pub async fn upload(State(s): State<AppState>, staff: Staff, mut mp: Multipart) -> Result<Response, PageError> {
    if !staff.actor().role.can_import() {
        return Err(staff.err(AppError::Forbidden("当前角色不能导入数据")));
    }
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("upload");
    let limit = s.config.max_upload_bytes;
    let up = match super::upload::receive(&mut mp, &path, limit).await {
        Ok(up) => up,
        Err(super::upload::UploadError::TooLarge) => {
            return Ok(form(&s, &staff, vec![format!("文件超过{}MB上限，请拆分后分批导入", limit / (1024 * 1024))]));
        }
        Err(super::upload::UploadError::Broken) => {
            return Ok(form(&s, &staff, vec![format!("上传失败或文件超过{}MB上限", limit / (1024 * 1024))]));
        }
        Err(super::upload::UploadError::Internal(e)) => return Err(staff.err(e)),
    };
    let (csrf, kind, all_or_nothing, file_name, size) =
        (up.field("csrf"), up.field("kind"), up.field("all_or_nothing") == "1", up.file_name.clone(), up.size);
    staff.check_csrf(&csrf)?;
    let Some(kind) = ImportKind::parse(&kind) else { return Ok(form(&s, &staff, vec!["请选择导入内容".into()])) };
    let Some(file_name) = file_name.filter(|_| size > 0) else {
        return Ok(form(&s, &staff, vec!["请选择要上传的文件（文件不能为空）".into()]));
    };
    let id = s.app.new_id();
    let job = Arc::new(Job {
        owner: staff.actor().user_id.unwrap_or_default(),
        kind,
        file_name: file_name.clone(),
        rows_read: Arc::new(AtomicU64::new(0)),
        outcome: std::sync::Mutex::new(None),
    });
    s.jobs.insert(id, job.clone());
    s.metrics.imports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (app, actor, metrics) = (s.app.clone(), staff.actor().clone(), s.metrics.clone());
    let opts = ImportOptions { all_or_nothing, limits: jiuye_io_limits(limit) };
    tokio::spawn(async move {
        let counter = job.rows_read.clone();
        let progress: Arc<dyn Fn(u64) + Send + Sync> = Arc::new(move |n| counter.store(n, std::sync::atomic::Ordering::Relaxed));
        let result = app.import_file(&actor, kind, &path, &file_name, &opts, progress).await;
        metrics.import_rows.fetch_add(job.rows(), std::sync::atomic::Ordering::Relaxed);
        let outcome = result.map_err(|e| match e {
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "import failed");
                AppError::Internal(String::new()).to_string()
            }
            other => other.to_string(),
        });
        if let Ok(mut o) = job.outcome.lock() {
            *o = Some(outcome);
        }
        drop(dir);
    });
    Ok(Redirect::to(&urls::import_job(id)).into_response())
}

fn jiuye_io_limits(max_bytes: u64) -> jiuye_app::import::Limits {
    jiuye_app::import::Limits { max_file_bytes: max_bytes, ..Default::default() }
}

#[derive(Template, WebTemplate)]
#[template(path = "import_job.html")]
struct JobPage {
    nav: Option<Nav>,
    kind_label: &'static str,
    file_name: String,
    running: bool,
    rows_read: u64,
    report: Option<ImportReport>,
    failure: Option<String>,
}

pub async fn job(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let job = s.jobs.get(id, staff.actor().user_id.unwrap_or_default()).ok_or_else(|| staff.err(AppError::NotFound))?;
    let outcome = job.outcome.lock().map(|o| o.clone()).unwrap_or(None);
    let (running, report, failure) = match outcome {
        None => (true, None, None),
        Some(Ok(r)) => (false, Some(r), None),
        Some(Err(e)) => (false, None, Some(e)),
    };
    Ok(JobPage {
        nav: Nav::of(&staff),
        kind_label: job.kind.label(),
        file_name: job.file_name.clone(),
        running,
        rows_read: job.rows(),
        report,
        failure,
    }
    .into_response())
}

pub async fn template(State(s): State<AppState>, staff: Staff, Path(name): Path<String>) -> Result<Response, PageError> {
    if !staff.actor().role.can_import() {
        return Err(staff.err(AppError::Forbidden("当前角色不能导入数据")));
    }
    let (kind, label) = match name.as_str() {
        "persons.xlsx" => (ImportKind::Persons, "人员导入模板.xlsx"),
        "enterprises.xlsx" => (ImportKind::Enterprises, "企业导入模板.xlsx"),
        _ => return Err(staff.err(AppError::NotFound)),
    };
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("t.xlsx");
    s.app.write_import_template(kind, &path).map_err(|e| staff.err(e))?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    Ok(xlsx_download(label, bytes))
}
