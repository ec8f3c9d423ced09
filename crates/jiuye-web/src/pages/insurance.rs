//! The unemployment-insurance agency's statements of enterprises (参保缴费数据): what is stored by
//! year, and the bureau's import of the agency's export (`jiuye_app::insurance`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiuye_app::AppError;
use jiuye_app::import::ImportOptions;
use jiuye_app::insurance::{InsuranceImport, MAX_INSURANCE_ROWS, can_import_insurance};
use jiuye_domain::money::fen_to_yuan;

use super::Nav;
use super::persons::xlsx_download;
use crate::AppState;
use crate::auth::Staff;
use crate::error::PageError;

/// One year of stored statements.
pub struct YearRow {
    pub year: i32,
    pub enterprises: i64,
    pub insured: i64,
    pub paid_yuan: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "insurance.html")]
struct InsurancePage {
    nav: Option<Nav>,
    csrf: String,
    max_mb: u64,
    max_rows: u32,
    years: Vec<YearRow>,
    errors: Vec<String>,
    file_name: String,
    report: Option<InsuranceImport>,
}

fn may_import(staff: &Staff) -> Result<(), PageError> {
    if can_import_insurance(staff.actor().role) {
        Ok(())
    } else {
        Err(staff.err(AppError::Forbidden("单位参保缴费数据由区人社局导入")))
    }
}

async fn page(
    s: &AppState,
    staff: &Staff,
    errors: Vec<String>,
    file_name: String,
    report: Option<InsuranceImport>,
) -> Result<Response, PageError> {
    let years = s
        .app
        .store
        .insurance_summary()
        .await
        .map_err(|e| staff.err(AppError::from(e)))?
        .into_iter()
        .map(|(year, enterprises, insured, paid)| YearRow { year, enterprises, insured, paid_yuan: fen_to_yuan(paid) })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = InsurancePage {
        nav: Nav::of(staff),
        csrf: staff.user.csrf.clone(),
        max_mb: s.config.max_upload_bytes / (1024 * 1024),
        max_rows: MAX_INSURANCE_ROWS,
        years,
        errors,
        file_name,
        report,
    };
    Ok((status, page).into_response())
}

/// `GET /monitoring/insurance`.
pub async fn form(State(s): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    may_import(&staff)?;
    page(&s, &staff, Vec::new(), String::new(), None).await
}

/// `GET /monitoring/insurance/template.xlsx`.
pub async fn template(State(s): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    may_import(&staff)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("t.xlsx");
    s.app.write_insurance_template(&path).map_err(|e| staff.err(e))?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    Ok(xlsx_download("单位参保缴费数据导入模板.xlsx", bytes))
}

/// `POST /monitoring/insurance`: the upload (streamed to a temporary file, capped), the import, its result.
pub async fn upload(State(s): State<AppState>, staff: Staff, mut mp: Multipart) -> Result<Response, PageError> {
    may_import(&staff)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("upload");
    let limit = s.config.max_upload_bytes;
    let mb = limit / (1024 * 1024);
    let up = match super::upload::receive(&mut mp, &path, limit).await {
        Ok(up) => up,
        Err(super::upload::UploadError::TooLarge) => {
            return page(&s, &staff, vec![format!("文件超过{mb}MB上限，请拆分后分批导入")], String::new(), None).await;
        }
        Err(super::upload::UploadError::Broken) => {
            return page(&s, &staff, vec![format!("上传失败或文件超过{mb}MB上限")], String::new(), None).await;
        }
        Err(super::upload::UploadError::Internal(e)) => return Err(staff.err(e)),
    };
    staff.check_csrf(&up.field("csrf"))?;
    let Some(file_name) = up.file_name.clone().filter(|_| up.size > 0) else {
        return page(&s, &staff, vec!["请选择要上传的文件（文件不能为空）".into()], String::new(), None).await;
    };
    let opts = ImportOptions {
        all_or_nothing: up.field("all_or_nothing") == "1",
        limits: jiuye_app::import::Limits { max_file_bytes: limit, ..Default::default() },
    };
    s.metrics.imports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    match s.app.import_insurance(staff.actor(), &path, &file_name, &opts).await {
        Ok(report) => page(&s, &staff, Vec::new(), file_name, Some(report)).await,
        Err(AppError::BadInput(m)) => page(&s, &staff, vec![format!("文件无法导入，未保存任何数据：{m}")], file_name, None).await,
        Err(e) => Err(staff.err(e)),
    }
}
