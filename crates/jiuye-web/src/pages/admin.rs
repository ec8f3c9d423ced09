//! Administration: accounts (create, unlock, reset, disable) and the audit log with its chain check.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiuye_app::AppError;
use jiuye_app::accounts::UserInput;
use jiuye_domain::Role;
use jiuye_store::audit::AuditQuery;

use super::{Nav, Opt, local_time, opts, township_opts};
use crate::AppState;
use crate::auth::Staff;
use crate::error::PageError;

pub struct UserRow {
    pub login: String,
    pub display_name: String,
    pub role: &'static str,
    pub scope: String,
    pub state: String,
    pub last_login: String,
    pub disabled: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "users.html")]
struct UsersPage {
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<UserRow>,
    roles: Vec<Opt>,
    townships: Vec<Opt>,
    errors: Vec<String>,
    message: Option<String>,
}

async fn users_page(s: &AppState, staff: &Staff, errors: Vec<String>, message: Option<String>) -> Result<Response, PageError> {
    let users = s.app.list_users(staff.actor()).await.map_err(|e| staff.err(e))?;
    let now = s.app.now();
    let mut rows = Vec::new();
    for u in users {
        let scope = match (&u.township_code, u.enterprise_id) {
            (Some(t), _) => jiuye_domain::division::township_name(t).unwrap_or("").to_string(),
            (_, Some(e)) => {
                s.app.store.get_enterprise(&jiuye_store::Scope::All, e).await.ok().flatten().map(|e| e.name).unwrap_or_default()
            }
            _ => "全区".into(),
        };
        let state = if u.disabled {
            "已停用".to_string()
        } else if let Some(t) = u.locked_until.filter(|t| *t > now) {
            format!("锁定至 {}", local_time(t))
        } else if u.must_change_password {
            "待修改初始密码".into()
        } else {
            "正常".into()
        };
        rows.push(UserRow {
            login: u.login,
            display_name: u.display_name,
            role: Role::from_code(&u.role).map(|r| r.label()).unwrap_or(""),
            scope,
            state,
            last_login: u.last_login_at.map(local_time).unwrap_or_else(|| "从未登录".into()),
            disabled: u.disabled,
        });
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((
        status,
        UsersPage {
            nav: Nav::of(staff),
            csrf: staff.user.csrf.clone(),
            rows,
            roles: opts(Role::ALL.iter().map(|r| (r.code(), r.label())), ""),
            townships: township_opts(""),
            errors,
            message,
        },
    )
        .into_response())
}

pub async fn users(State(s): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    users_page(&s, &staff, Vec::new(), None).await
}

#[derive(serde::Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    credit_code: String,
}

pub async fn create_user(State(s): State<AppState>, staff: Staff, Form(f): Form<NewUserForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let Some(role) = Role::from_code(&f.role) else { return users_page(&s, &staff, vec!["请选择角色".into()], None).await };
    let enterprise_id = if f.credit_code.trim().is_empty() {
        None
    } else {
        let code = match jiuye_domain::CreditCode::parse(&f.credit_code) {
            Ok(c) => c,
            Err(e) => return users_page(&s, &staff, vec![e.to_string()], None).await,
        };
        let filter = jiuye_store::enterprises::EnterpriseFilter { credit_code: Some(code.as_str().to_string()), ..Default::default() };
        let found = s
            .app
            .list_enterprises(staff.actor(), &filter, jiuye_store::persons::Page { limit: 1, offset: 0 })
            .await
            .map_err(|e| staff.err(e))?;
        match found.0.first() {
            Some(e) => Some(e.id),
            None => return users_page(&s, &staff, vec!["统一社会信用代码：企业名册中没有该企业".into()], None).await,
        }
    };
    let input = UserInput {
        login: f.login.clone(),
        display_name: f.display_name,
        role,
        township: (!f.township.is_empty()).then_some(f.township),
        enterprise_id,
    };
    match s.app.create_user(staff.actor(), &input).await {
        Ok(pw) => {
            users_page(
                &s,
                &staff,
                Vec::new(),
                Some(format!("已创建账号 {}，初始密码：{pw}（仅显示一次，请当面交给本人；首次登录须修改）", f.login.trim().to_lowercase())),
            )
            .await
        }
        Err(AppError::Validation(errs)) => users_page(&s, &staff, errs.iter().map(|e| e.to_string()).collect(), None).await,
        Err(e) => Err(staff.err(e)),
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn user_action(
    State(s): State<AppState>,
    staff: Staff,
    Path((login, action)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let actor = staff.actor();
    let message = match action.as_str() {
        "unlock" => s.app.unlock_user(actor, &login).await.map(|_| format!("已解锁 {login}")),
        "reset" => s.app.reset_password(actor, &login).await.map(|pw| format!("{login} 的新初始密码：{pw}（仅显示一次；首次登录须修改）")),
        "disable" => s.app.set_user_disabled(actor, &login, true).await.map(|_| format!("已停用 {login}")),
        "enable" => s.app.set_user_disabled(actor, &login, false).await.map(|_| format!("已启用 {login}")),
        _ => Err(AppError::NotFound),
    }
    .map_err(|e| staff.err(e))?;
    users_page(&s, &staff, Vec::new(), Some(message)).await
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub role: String,
    pub ip: String,
    pub action: String,
    pub object: String,
    pub result: String,
    pub detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    action: String,
    rows: Vec<AuditRow>,
    chain_ok: bool,
    chain_status: String,
    older: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct AuditParams {
    #[serde(default)]
    action: String,
    before: Option<i64>,
}

pub async fn audit(State(s): State<AppState>, staff: Staff, Query(p): Query<AuditParams>) -> Result<Response, PageError> {
    if !staff.actor().role.is_admin() {
        s.app
            .store
            .audit_only(s.app.audit_entry(staff.actor(), "authz_denied", "audit", None, "forbidden", serde_json::json!({})))
            .await
            .map_err(|e| staff.err(e.into()))?;
        return Err(staff.err(AppError::Forbidden("只有系统管理员可以查看审计日志")));
    }
    let q = AuditQuery {
        action: (!p.action.trim().is_empty()).then(|| p.action.trim().to_string()),
        object_type: None,
        object_id: None,
        limit: 100,
        before_seq: p.before,
    };
    // Reading the audit log is itself audited (R25).
    s.app
        .store
        .audit_only(s.app.audit_entry(
            staff.actor(),
            "audit.query",
            "audit",
            None,
            "ok",
            serde_json::json!({"action": q.action, "before": q.before_seq}),
        ))
        .await
        .map_err(|e| staff.err(e.into()))?;
    let rows = s.app.store.list_audit(&q).await.map_err(|e| staff.err(e.into()))?;
    let report = s.app.store.verify_audit().await.map_err(|e| staff.err(e.into()))?;
    let older = rows.last().filter(|_| rows.len() == 100).map(|r| format!("/admin/audit?action={}&before={}", p.action, r.seq));
    Ok(AuditPage {
        nav: Nav::of(&staff),
        action: p.action,
        chain_ok: report.ok(),
        chain_status: if report.ok() { format!("完整（共{}条）", report.checked) } else { report.problems.join("；") },
        rows: rows
            .into_iter()
            .map(|r| AuditRow {
                seq: r.seq,
                at: local_time(r.at),
                actor: r.actor_login,
                role: Role::from_code(&r.actor_role).map(|x| x.label().to_string()).unwrap_or(r.actor_role),
                ip: r.ip.unwrap_or_default(),
                action: r.action,
                object: format!("{} {}", r.object_type, r.object_id.unwrap_or_default()),
                result: r.result,
                detail: r.detail.chars().take(300).collect(),
            })
            .collect(),
        older,
    }
    .into_response())
}
