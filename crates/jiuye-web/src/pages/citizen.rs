//! The citizen's own job-seeker pages (no account): sign in with the ID number and a code sent by
//! SMS to the phone on record, then register what work one looks for, see matching vacancies and
//! answer pushes. The session cookie is scoped to `/jobs`, HttpOnly, SameSite=Strict, 30 minutes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::citizen::Citizen;
use jiuye_app::seekers::{SeekerInput, outcome_label};
use uuid::Uuid;

use super::Nav;
use super::seekers::{ScoreView, score_view};
use super::vacancies::{VacancyRow, vacancy_row};
use crate::AppState;
use crate::auth::read_cookie;
use crate::error::PageError;
use crate::security::tokens_match;

fn cookie_name(s: &AppState) -> &'static str {
    if s.config.secure_cookies { "__Secure-jiuye_citizen" } else { "jiuye_citizen" }
}

fn cookie(s: &AppState, value: &str, max_age: i64) -> String {
    let secure = if s.config.secure_cookies { "; Secure" } else { "" };
    format!("{}={value}; Path=/jobs; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}", cookie_name(s))
}

async fn citizen_of(s: &AppState, headers: &HeaderMap) -> Option<(Citizen, String)> {
    let token = read_cookie(headers, cookie_name(s))?;
    s.app.citizen(&token).await.ok().map(|c| (c, token))
}

#[derive(Template, WebTemplate)]
#[template(path = "citizen_login.html")]
struct LoginPage {
    nav: Option<Nav>,
    step_code: bool,
    ticket: String,
    id_number: String,
    phone: String,
    errors: Vec<String>,
    notice: String,
}

fn login_page(
    status: StatusCode,
    step_code: bool,
    ticket: String,
    id_number: String,
    phone: String,
    errors: Vec<String>,
    notice: String,
) -> Response {
    (status, LoginPage { nav: None, step_code, ticket, id_number, phone, errors, notice }).into_response()
}

pub async fn login_form() -> Response {
    login_page(StatusCode::OK, false, String::new(), String::new(), String::new(), Vec::new(), String::new())
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
}

pub async fn request_code(State(s): State<AppState>, Form(f): Form<CodeForm>) -> Response {
    match s.app.request_citizen_code(&f.id_number, &f.phone, "job_seeker").await {
        Ok(ticket) => login_page(
            StatusCode::OK,
            true,
            ticket,
            String::new(),
            String::new(),
            Vec::new(),
            "如果身份证号和手机号与登记信息一致，验证码已发送到该手机，10分钟内有效。".into(),
        ),
        Err(AppError::Validation(errs)) => login_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            String::new(),
            f.id_number,
            f.phone,
            errs.iter().map(|e| e.to_string()).collect(),
            String::new(),
        ),
        Err(AppError::BadInput(m)) => {
            login_page(StatusCode::TOO_MANY_REQUESTS, false, String::new(), f.id_number, f.phone, vec![m], String::new())
        }
        Err(e) => PageError(e, String::new()).into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    code: String,
}

pub async fn verify(State(s): State<AppState>, Form(f): Form<VerifyForm>) -> Response {
    match s.app.verify_citizen_code(&f.ticket, &f.code).await {
        Ok((token, _csrf)) => {
            (StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie(&s, &token, 30 * 60)), (header::LOCATION, "/jobs/me".to_string())])
                .into_response()
        }
        Err(AppError::BadInput(m)) => {
            login_page(StatusCode::UNPROCESSABLE_ENTITY, true, f.ticket, String::new(), String::new(), vec![m], String::new())
        }
        Err(e) => PageError(e, String::new()).into_response(),
    }
}

pub struct PushView {
    pub id: Uuid,
    pub v: VacancyRow,
    pub outcome: &'static str,
    pub answered: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "citizen_me.html")]
struct MePage {
    nav: Option<Nav>,
    csrf: String,
    name: String,
    registered: bool,
    f: SeekerInput,
    matches: Vec<(VacancyRow, ScoreView)>,
    pushes: Vec<PushView>,
    errors: Vec<String>,
    saved: bool,
    spells: Vec<super::followup::SpellRow>,
    open_spell: bool,
    registry_says_working: bool,
    applications: Vec<CitizenApplication>,
}

/// A subsidy application or offer as the person sees it.
pub struct CitizenApplication {
    pub id: Uuid,
    pub program: String,
    pub amount: String,
    pub status: &'static str,
    pub offered: bool,
}

async fn me_page(s: &AppState, c: &Citizen, f: Option<SeekerInput>, errors: Vec<String>, saved: bool) -> Result<Response, PageError> {
    let e = |e: AppError| PageError(e, String::new());
    let seeker = s.app.citizen_seeker(c).await.map_err(e)?;
    let f = match (f, &seeker) {
        (Some(f), _) => f,
        (None, Some(sk)) => SeekerInput {
            occupations: sk
                .occupation_codes
                .split(',')
                .filter_map(jiuye_domain::occupation::by_code)
                .map(|o| o.name)
                .collect::<Vec<_>>()
                .join("、"),
            skills: sk.skills.clone(),
            pay_expect: sk.pay_expect_yuan.map(|p| p.to_string()).unwrap_or_default(),
            preferred_township: sk.preferred_township.clone().unwrap_or_default(),
            work_types: sk
                .work_types
                .split(',')
                .filter_map(jiuye_domain::WorkType::from_code)
                .map(|w| w.label())
                .collect::<Vec<_>>()
                .join("、"),
            experience_years: sk.experience_years.map(|y| y.to_string()).unwrap_or_default(),
            prefers_sms: if sk.prefers_sms { "on".into() } else { String::new() },
            share_consent: if sk.share_consent { "on".into() } else { String::new() },
            active: if sk.active { "on".into() } else { String::new() },
        },
        (None, None) => SeekerInput { active: "on".into(), ..Default::default() },
    };
    let matches = s.app.citizen_matches(c, 10).await.map_err(e)?;
    let spells = s.app.citizen_registrations(c).await.map_err(e)?;
    let pushes = s.app.citizen_pushes(c).await.map_err(e)?;
    let applications = s.app.citizen_applications(c).await.map_err(e)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((
        status,
        MePage {
            nav: None,
            csrf: c.session.csrf_token.clone(),
            name: c.person.name.clone(),
            registered: seeker.is_some(),
            f,
            matches: matches.iter().map(|(v, m)| (vacancy_row(v), score_view(m))).collect(),
            pushes: pushes
                .iter()
                .map(|(p, v)| PushView {
                    id: p.id,
                    v: vacancy_row(v),
                    outcome: outcome_label(&p.outcome),
                    answered: matches!(p.outcome.as_str(), "interested" | "not_interested" | "applied" | "hired"),
                })
                .collect(),
            errors,
            saved,
            open_spell: spells.iter().any(|r| r.closed_on.is_none()),
            spells: spells.iter().map(super::followup::spell_row).collect(),
            registry_says_working: jiuye_domain::EmploymentStatus::from_code(&c.person.employment_status).is_some_and(|x| x.is_working()),
            applications: applications
                .iter()
                .map(|a| CitizenApplication {
                    id: a.id,
                    program: s.app.rules.program(&a.program).map(|p| p.name).unwrap_or("").to_string(),
                    amount: a.amount_fen.map(jiuye_app::payments::fen_yuan).unwrap_or_default(),
                    status: jiuye_app::payments::status_label(&a.status),
                    offered: a.status == "offered",
                })
                .collect(),
        },
    )
        .into_response())
}

pub async fn me(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, PageError> {
    let Some((c, _)) = citizen_of(&s, &headers).await else { return Ok(Redirect::to("/jobs/login").into_response()) };
    me_page(&s, &c, None, Vec::new(), false).await
}

#[derive(serde::Deserialize)]
pub struct MeForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: SeekerInput,
}

fn csrf_ok(c: &Citizen, sent: &str) -> Result<(), PageError> {
    if tokens_match(sent, &c.session.csrf_token) {
        Ok(())
    } else {
        Err(PageError(AppError::Forbidden("表单已过期或来源不明，请刷新页面后重试"), String::new()))
    }
}

pub async fn save(State(s): State<AppState>, headers: HeaderMap, Form(f): Form<MeForm>) -> Result<Response, PageError> {
    let Some((c, _)) = citizen_of(&s, &headers).await else { return Ok(Redirect::to("/jobs/login").into_response()) };
    csrf_ok(&c, &f.csrf)?;
    let mut input = f.input;
    for v in [&mut input.prefers_sms, &mut input.share_consent, &mut input.active] {
        if v.is_empty() {
            *v = "off".into();
        }
    }
    match s.app.citizen_save_seeker(&c, &input).await {
        Ok(_) => me_page(&s, &c, None, Vec::new(), true).await,
        Err(AppError::Validation(errs)) => me_page(&s, &c, Some(input), errs.iter().map(|e| e.to_string()).collect(), false).await,
        Err(e) => Err(PageError(e, String::new())),
    }
}

#[derive(serde::Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    answer: String,
}

pub async fn answer(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, PageError> {
    let Some((c, _)) = citizen_of(&s, &headers).await else { return Ok(Redirect::to("/jobs/login").into_response()) };
    csrf_ok(&c, &f.csrf)?;
    s.app.citizen_answer_push(&c, id, f.answer == "interested").await.map_err(|e| PageError(e, String::new()))?;
    Ok(Redirect::to("/jobs/me").into_response())
}

pub async fn logout(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Some((_, token)) = citizen_of(&s, &headers).await {
        let _ = s.app.citizen_logout(&token).await;
    }
    (StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie(&s, "", 0)), (header::LOCATION, "/jobs".to_string())]).into_response()
}

#[derive(serde::Deserialize)]
pub struct UnemploymentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    declare: String,
}

/// `POST /jobs/me/unemployment`: register online, or close (found work / withdraw).
pub async fn unemployment(State(s): State<AppState>, headers: HeaderMap, Form(f): Form<UnemploymentForm>) -> Result<Response, PageError> {
    let Some((c, _)) = citizen_of(&s, &headers).await else { return Ok(Redirect::to("/jobs/login").into_response()) };
    csrf_ok(&c, &f.csrf)?;
    let r = match f.action.as_str() {
        "register" => s.app.citizen_register_unemployment(&c, f.declare == "on").await.map(|_| ()),
        "found_work" => s.app.citizen_close_unemployment(&c, true).await,
        "withdraw" => s.app.citizen_close_unemployment(&c, false).await,
        _ => Err(AppError::BadInput("未知操作".into())),
    };
    match r {
        Ok(()) => {
            // The person record changed (employment status): read it again for the page.
            let c = s
                .app
                .citizen(&read_cookie(&headers, cookie_name(&s)).unwrap_or_default())
                .await
                .map_err(|e| PageError(e, String::new()))?;
            me_page(&s, &c, None, Vec::new(), false).await
        }
        Err(AppError::Conflict(m)) => me_page(&s, &c, None, vec![m], false).await,
        Err(AppError::Validation(errs)) => me_page(&s, &c, None, errs.iter().map(|e| e.message.clone()).collect(), false).await,
        Err(e) => Err(PageError(e, String::new())),
    }
}

#[derive(serde::Deserialize)]
pub struct OfferAnswer {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    payee_bank: String,
    #[serde(default)]
    payee_account: String,
}

/// The person confirms (or declines) a subsidy offered to them (免申即享).
pub async fn offer(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Form(f): Form<OfferAnswer>,
) -> Result<Response, PageError> {
    let Some((c, _)) = citizen_of(&s, &headers).await else { return Ok(Redirect::to("/jobs/login").into_response()) };
    csrf_ok(&c, &f.csrf)?;
    match s.app.citizen_answer_offer(&c, id, f.answer == "yes", &f.payee_bank, &f.payee_account).await {
        Ok(_) => Ok(Redirect::to("/jobs/me").into_response()),
        Err(AppError::Validation(errs)) => me_page(&s, &c, None, errs.iter().map(|e| e.to_string()).collect(), false).await,
        Err(AppError::Conflict(m)) => me_page(&s, &c, None, vec![m], false).await,
        Err(e) => Err(PageError(e, String::new())),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ApplyParams {
    #[serde(default)]
    program: String,
}

/// The person applies online for a subsidy of their own: the same form as at the window, only
/// for programs a person applies for, with the live explanation before submitting.
pub async fn apply_form(State(s): State<AppState>, headers: HeaderMap, Query(p): Query<ApplyParams>) -> Result<Response, PageError> {
    let Some((c, _)) = citizen_of(&s, &headers).await else { return Ok(Redirect::to("/jobs/login").into_response()) };
    let posted = super::payments::Posted { pairs: vec![("program".into(), p.program)] };
    Ok(super::payments::form_page_for(
        &s,
        &super::payments::FormUser::Citizen { csrf: c.session.csrf_token.clone() },
        &posted,
        None,
        Vec::new(),
    ))
}

pub async fn apply(State(s): State<AppState>, headers: HeaderMap, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let Some((c, _)) = citizen_of(&s, &headers).await else { return Ok(Redirect::to("/jobs/login").into_response()) };
    let posted = super::payments::Posted { pairs };
    csrf_ok(&c, &posted.get("csrf"))?;
    let user = super::payments::FormUser::Citizen { csrf: c.session.csrf_token.clone() };
    let mut input = super::payments::input_of(&posted);
    input.person_id = None;
    input.person_id_number = None;
    input.enterprise_id = None;
    let by = jiuye_app::payments::Submitter::Citizen(&c);
    if posted.get("action") == "preview" {
        return match s.app.preview_application(&by, &input).await {
            Ok(p) => Ok(super::payments::form_page_for(&s, &user, &posted, Some(super::payments::preview_view(&p)), Vec::new())),
            Err(e) => match super::payments::inline(&e) {
                Some(errs) => Ok(super::payments::form_page_for(&s, &user, &posted, None, errs)),
                None => Err(PageError(e, String::new())),
            },
        };
    }
    match s.app.submit_application(&by, &input).await {
        Ok(_) => Ok(Redirect::to("/jobs/me").into_response()),
        Err(e) => match super::payments::inline(&e) {
            Some(errs) => {
                let preview = s.app.preview_application(&by, &input).await.ok().map(|p| super::payments::preview_view(&p));
                Ok(super::payments::form_page_for(&s, &user, &posted, preview, errs))
            }
            None => Err(PageError(e, String::new())),
        },
    }
}
