//! Job seekers and the dual push (双推送) pages: registration at the window, a seeker's matched
//! vacancies and pushes, a vacancy's matched seekers with push and recommend actions, the
//! enterprise's candidate list (masked until consent), push outcomes, and the SMS outbox.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::seekers::MatchScore;
use jiuye_app::seekers::{Candidate, SeekerInput, age_on, outcome_label};
use jiuye_domain::{Education, WorkType, occupation};
use jiuye_store::persons::Page;
use jiuye_store::seekers::SeekerRecord;
use uuid::Uuid;

use super::vacancies::{VacancyRow, vacancy_row};
use super::{Nav, PAGE_SIZE, Pager, local_time, page_of};
use crate::auth::Staff;
use crate::error::PageError;
use crate::{AppState, urls};

pub struct SeekerRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub sex: &'static str,
    pub age: i32,
    pub education: &'static str,
    pub phone: String,
    pub township: String,
    pub occupations: String,
    pub skills: String,
    pub pay: String,
    pub preferred_township: String,
    pub work_types: String,
    pub experience: String,
    pub prefers_sms: bool,
    pub share_consent: bool,
    pub active: bool,
    pub registered: String,
}

fn names(stored: &str, f: impl Fn(&str) -> Option<String>) -> String {
    let v: Vec<String> = stored.split(',').filter(|c| !c.is_empty()).filter_map(f).collect();
    if v.is_empty() { "不限".into() } else { v.join("、") }
}

pub fn seeker_row(s: &SeekerRecord, today: time::Date) -> SeekerRow {
    SeekerRow {
        id: s.id,
        person_id: s.person_id,
        name: s.name.clone(),
        sex: super::sex_label(&s.sex),
        age: age_on(s.birth_date, today),
        education: s.education.as_deref().and_then(Education::from_code).map(|e| e.label()).unwrap_or("未填"),
        phone: s.phone_masked.clone().unwrap_or_else(|| "无".into()),
        township: s.township_name.clone(),
        occupations: names(&s.occupation_codes, |c| occupation::by_code(c).map(|o| o.name.to_string())),
        skills: s.skills.clone(),
        pay: s.pay_expect_yuan.map(|p| format!("{p}元/月")).unwrap_or_else(|| "面议".into()),
        preferred_township: s.preferred_township.as_deref().and_then(jiuye_domain::division::township_name).unwrap_or("不限").to_string(),
        work_types: names(&s.work_types, |c| WorkType::from_code(c).map(|w| w.label().to_string())),
        experience: s.experience_years.map(|y| format!("{y}年")).unwrap_or_else(|| "未填".into()),
        prefers_sms: s.prefers_sms,
        share_consent: s.share_consent,
        active: s.active,
        registered: format!("{} {}", s.registered_by, local_time(s.created_at)),
    }
}

/// A score as a line of criteria: "✔ 期望职业… (35/35)".
pub struct ScoreView {
    pub score: u32,
    pub lines: Vec<(bool, String)>,
}

pub fn score_view(m: &MatchScore) -> ScoreView {
    ScoreView {
        score: m.score,
        lines: m.criteria.iter().map(|c| (c.met, format!("{}（{}/{}分）", c.detail, c.points, c.max_points))).collect(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "seekers_list.html")]
struct ListPage {
    nav: Option<Nav>,
    rows: Vec<SeekerRow>,
    pager: Pager,
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    page: Option<i64>,
}

pub async fn list(State(s): State<AppState>, staff: Staff, Query(p): Query<ListParams>) -> Result<Response, PageError> {
    let page = page_of(p.page);
    let (rows, total) =
        s.app.list_seekers(staff.actor(), Page { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }).await.map_err(|e| staff.err(e))?;
    let today = s.app.clock.today();
    Ok(ListPage {
        nav: Nav::of(&staff),
        rows: rows.iter().map(|r| seeker_row(r, today)).collect(),
        pager: Pager::new(urls::seekers(), &[], page, total),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "seeker_form.html")]
struct FormPage {
    nav: Option<Nav>,
    csrf: String,
    action: String,
    cancel: String,
    version: i64,
    person_name: String,
    f: SeekerInput,
    errors: Vec<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct PersonParam {
    person: Option<Uuid>,
}

fn form_page(
    staff: &Staff,
    action: String,
    cancel: String,
    version: i64,
    person_name: String,
    f: SeekerInput,
    errors: Vec<String>,
) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, FormPage { nav: Nav::of(staff), csrf: staff.user.csrf.clone(), action, cancel, version, person_name, f, errors })
        .into_response()
}

pub async fn new_form(State(s): State<AppState>, staff: Staff, Query(q): Query<PersonParam>) -> Result<Response, PageError> {
    if !staff.actor().role.can_edit_registry() {
        return Err(staff.err(AppError::Forbidden("当前角色不能办理求职登记")));
    }
    let pid = q.person.ok_or_else(|| staff.err(AppError::BadInput("请从人员名册中选择要登记的人员".into())))?;
    let p = s.app.get_person(staff.actor(), pid).await.map_err(|e| staff.err(e))?;
    if let Some(existing) = s.app.seeker_of_person(staff.actor(), pid).await.map_err(|e| staff.err(e))? {
        return Ok(Redirect::to(&urls::seeker(existing.id)).into_response());
    }
    let f = SeekerInput { active: "on".into(), ..Default::default() };
    Ok(form_page(&staff, format!("{}?person={pid}", urls::seekers()), urls::person(pid), 0, p.name, f, Vec::new()))
}

#[derive(serde::Deserialize)]
pub struct SeekerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(flatten)]
    input: SeekerInput,
}

pub async fn create(
    State(s): State<AppState>,
    staff: Staff,
    Query(q): Query<PersonParam>,
    Form(f): Form<SeekerForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let pid = q.person.ok_or_else(|| staff.err(AppError::BadInput("缺少人员".into())))?;
    match s.app.register_seeker(staff.actor(), pid, &f.input).await {
        Ok(id) => Ok(Redirect::to(&urls::seeker(id)).into_response()),
        Err(AppError::Validation(errs)) => {
            let name = s.app.get_person(staff.actor(), pid).await.map(|p| p.name).unwrap_or_default();
            Ok(form_page(
                &staff,
                format!("{}?person={pid}", urls::seekers()),
                urls::person(pid),
                0,
                name,
                f.input,
                errs.iter().map(|e| e.to_string()).collect(),
            ))
        }
        Err(e) => Err(staff.err(e)),
    }
}

fn input_of(s: &SeekerRecord) -> SeekerInput {
    let on = |b: bool| if b { "on".to_string() } else { "off".to_string() };
    SeekerInput {
        occupations: names(&s.occupation_codes, |c| occupation::by_code(c).map(|o| o.name.to_string())),
        skills: s.skills.clone(),
        pay_expect: s.pay_expect_yuan.map(|p| p.to_string()).unwrap_or_default(),
        preferred_township: s.preferred_township.clone().unwrap_or_default(),
        work_types: s
            .work_types
            .split(',')
            .filter(|c| !c.is_empty())
            .filter_map(WorkType::from_code)
            .map(|w| w.label())
            .collect::<Vec<_>>()
            .join("、"),
        experience_years: s.experience_years.map(|y| y.to_string()).unwrap_or_default(),
        prefers_sms: on(s.prefers_sms),
        share_consent: on(s.share_consent),
        active: on(s.active),
    }
}

pub async fn edit_form(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let r = s.app.get_seeker(staff.actor(), id).await.map_err(|e| staff.err(e))?;
    if !staff.actor().role.can_edit_registry() {
        return Err(staff.err(AppError::Forbidden("当前角色不能修改求职登记")));
    }
    let mut f = input_of(&r);
    if f.occupations == "不限" {
        f.occupations.clear();
    }
    Ok(form_page(&staff, urls::seeker(id), urls::seeker(id), r.version, r.name, f, Vec::new()))
}

pub async fn update(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<SeekerForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    // Unchecked boxes are absent from the form: absent means no.
    let mut input = f.input;
    for v in [&mut input.prefers_sms, &mut input.share_consent, &mut input.active] {
        if v.is_empty() {
            *v = "off".into();
        }
    }
    match s.app.update_seeker(staff.actor(), id, f.version, &input).await {
        Ok(()) => Ok(Redirect::to(&urls::seeker(id)).into_response()),
        Err(AppError::Validation(errs)) => {
            let name = s.app.get_seeker(staff.actor(), id).await.map(|r| r.name).unwrap_or_default();
            Ok(form_page(&staff, urls::seeker(id), urls::seeker(id), f.version, name, input, errs.iter().map(|e| e.to_string()).collect()))
        }
        Err(e) => Err(staff.err(e)),
    }
}

pub struct PushRow {
    pub id: Uuid,
    pub vacancy_id: Uuid,
    pub title: String,
    pub employer: String,
    pub score: i64,
    pub channel: &'static str,
    pub to_enterprise: bool,
    pub consent: &'static str,
    pub outcome: &'static str,
    pub at: String,
}

fn consent_label(c: &str) -> &'static str {
    match c {
        "agreed" => "已同意",
        "declined" => "不同意",
        _ => "未确认",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "seeker_detail.html")]
struct DetailPage {
    nav: Option<Nav>,
    csrf: String,
    s: SeekerRow,
    can_edit: bool,
    matches: Vec<(VacancyRow, ScoreView)>,
    pushes: Vec<PushRow>,
    outcomes: Vec<(&'static str, &'static str)>,
}

pub async fn detail(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let actor = staff.actor();
    let r = s.app.get_seeker(actor, id).await.map_err(|e| staff.err(e))?;
    let matches = s.app.matches_for_seeker(actor, id, 20).await.map_err(|e| staff.err(e))?;
    let pushes = s.app.pushes_of_seeker(actor, id).await.map_err(|e| staff.err(e))?;
    Ok(DetailPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        s: seeker_row(&r, s.app.clock.today()),
        can_edit: actor.role.can_edit_registry(),
        matches: matches.iter().map(|(v, m)| (vacancy_row(v), score_view(m))).collect(),
        pushes: pushes
            .iter()
            .map(|(p, v)| PushRow {
                id: p.id,
                vacancy_id: v.id,
                title: v.title.clone(),
                employer: v.employer_name.clone(),
                score: p.score,
                channel: match p.to_seeker_channel.as_deref() {
                    Some("sms") => "短信",
                    Some(_) => "窗口告知",
                    None => "—",
                },
                to_enterprise: p.to_enterprise_at.is_some(),
                consent: consent_label(&p.consent),
                outcome: outcome_label(&p.outcome),
                at: local_time(p.outcome_at),
            })
            .collect(),
        outcomes: vec![
            ("delivered", "已告知"),
            ("interested", "感兴趣"),
            ("not_interested", "不感兴趣"),
            ("applied", "已应聘"),
            ("hired", "已录用"),
            ("consent_agreed", "同意向企业提供联系方式"),
            ("consent_declined", "不同意提供联系方式"),
        ],
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "vacancy_matches.html")]
struct MatchesPage {
    nav: Option<Nav>,
    csrf: String,
    v: VacancyRow,
    rows: Vec<(SeekerRow, ScoreView, bool)>,
    can_push: bool,
    notice: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    done: String,
}

pub async fn matches(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Query(n): Query<Notice>,
) -> Result<Response, PageError> {
    let actor = staff.actor();
    let v = s.app.get_vacancy(Some(actor), id).await.map_err(|e| staff.err(e))?;
    let top = s.app.matches_for_vacancy(actor, id, 50).await.map_err(|e| staff.err(e))?;
    let today = s.app.clock.today();
    Ok(MatchesPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        rows: top
            .iter()
            .map(|(r, m)| (seeker_row(r, today), score_view(m), jiuye_app::seekers::needs_sms_push(r, today) || r.prefers_sms))
            .collect(),
        can_push: actor.role.can_edit_registry() && v.status == "published",
        notice: n.done,
        v: vacancy_row(&v),
    }
    .into_response())
}

/// `POST /vacancies/{id}/push`: `action=push|recommend` and one `seeker=<id>` per chosen seeker.
pub async fn push(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone()).unwrap_or_default();
    staff.check_csrf(&get("csrf"))?;
    let seekers: Vec<Uuid> = pairs.iter().filter(|(k, _)| k == "seeker").filter_map(|(_, v)| v.parse().ok()).collect();
    let done = match get("action").as_str() {
        "recommend" => {
            let n = s.app.recommend_to_enterprise(staff.actor(), id, &seekers).await.map_err(|e| staff.err(e))?;
            format!("已向用人单位推荐{n}人（未同意提供联系方式的，企业只能看到脱敏信息）")
        }
        _ => {
            let r = s.app.push_vacancy(staff.actor(), id, &seekers).await.map_err(|e| staff.err(e))?;
            format!(
                "已推送{}人，其中短信{}人；{}人此前已推送过；{}人需短信但无手机号，{}人已退订短信，请电话或窗口告知",
                r.pushed, r.sms_queued, r.already, r.no_phone, r.unsubscribed
            )
        }
    };
    let q = serde_urlencoded::to_string([("done", done)]).unwrap_or_default();
    Ok(Redirect::to(&format!("{}/matches?{q}", urls::vacancy(id))).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "vacancy_candidates.html")]
struct CandidatesPage {
    nav: Option<Nav>,
    csrf: String,
    v: VacancyRow,
    rows: Vec<(Candidate, &'static str, &'static str)>,
    is_enterprise: bool,
}

pub async fn candidates(State(s): State<AppState>, staff: Staff, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let actor = staff.actor();
    let v = s.app.get_vacancy(Some(actor), id).await.map_err(|e| staff.err(e))?;
    let c = s.app.candidates(actor, id).await.map_err(|e| staff.err(e))?;
    Ok(CandidatesPage {
        nav: Nav::of(&staff),
        csrf: staff.user.csrf.clone(),
        v: vacancy_row(&v),
        rows: c
            .into_iter()
            .map(|c| {
                let (cl, ol) = (consent_label(&c.consent), outcome_label(&c.outcome));
                (c, cl, ol)
            })
            .collect(),
        is_enterprise: actor.role == jiuye_domain::Role::EnterpriseHr,
    }
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

/// `POST /pushes/{id}/outcome`, back to the page it came from (a local path only).
pub async fn outcome(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(f): Form<OutcomeForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    s.app.record_push_outcome(staff.actor(), id, &f.outcome, &f.note).await.map_err(|e| staff.err(e))?;
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") { f.back } else { urls::seekers().to_string() };
    Ok(Redirect::to(&back).into_response())
}
