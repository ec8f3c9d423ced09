//! Server-rendered pages. One template per page with its own view-model struct; handlers are thin.

pub mod account;
pub mod admin;
pub mod citizen;
pub mod dashboard;
pub mod enterprises;
pub mod followup;
pub mod households;
pub mod import;
pub mod insurance;
pub mod jobs;
pub mod monitoring;
pub mod ops;
pub mod payments;
pub mod persons;
pub mod policy;
pub mod seekers;
pub mod sms;
pub mod upload;
pub mod vacancies;

use jiuye_domain::division::TOWNSHIPS;
use jiuye_domain::{Education, EmploymentStatus, Industry, Role, SizeClass, Tag};

use crate::auth::Staff;

/// The navigation bar's view of the user.
pub struct Nav {
    pub display_name: String,
    pub role_label: &'static str,
    pub township_name: Option<&'static str>,
    pub is_admin: bool,
    pub is_bureau: bool,
    pub sees_persons: bool,
    pub can_import: bool,
    pub csrf: String,
}

impl Nav {
    pub fn of(s: &Staff) -> Option<Nav> {
        let a = s.actor();
        Some(Nav {
            display_name: a.display_name.clone(),
            role_label: a.role.label(),
            township_name: a.township.as_deref().and_then(jiuye_domain::division::township_name),
            is_admin: a.role == Role::Admin,
            is_bureau: matches!(a.role, Role::Admin | Role::BureauStaff),
            sees_persons: a.role.can_read_persons(),
            can_import: a.role.can_import(),
            csrf: s.user.csrf.clone(),
        })
    }
}

/// One `<option>`.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn opts<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>, current: &str) -> Vec<Opt> {
    items.into_iter().map(|(v, l)| Opt { value: v.to_string(), label: l.to_string(), selected: v == current }).collect()
}

pub fn township_opts(current: &str) -> Vec<Opt> {
    opts(TOWNSHIPS, current)
}

pub fn tag_opts(current: &str) -> Vec<Opt> {
    opts(Tag::ALL.iter().map(|t| (t.code(), t.label())), current)
}

pub fn status_opts(current: &str) -> Vec<Opt> {
    opts(EmploymentStatus::ALL.iter().map(|t| (t.code(), t.label())), current)
}

pub fn education_opts(current: &str) -> Vec<Opt> {
    opts(Education::ALL.iter().map(|t| (t.code(), t.label())), current)
}

pub fn industry_opts(current: &str) -> Vec<Opt> {
    opts(Industry::ALL.iter().map(|t| (t.code(), t.label())), current)
}

pub fn size_opts(current: &str) -> Vec<Opt> {
    opts([SizeClass::Large, SizeClass::Medium, SizeClass::Small, SizeClass::Micro].iter().map(|t| (t.code(), t.label())), current)
}

pub const PAGE_SIZE: i64 = 50;

/// Paging links that keep the current query.
pub struct Pager {
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(base: &str, query: &[(String, String)], page: i64, total: i64) -> Self {
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let link = |p: i64| {
            let mut q: Vec<(String, String)> = query.iter().filter(|(k, v)| k != "page" && !v.is_empty()).cloned().collect();
            q.push(("page".into(), p.to_string()));
            format!("{base}?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
        };
        Self { total, page, pages, prev: (page > 1).then(|| link(page - 1)), next: (page < pages).then(|| link(page + 1)) }
    }
}

pub fn page_of(p: Option<i64>) -> i64 {
    p.unwrap_or(1).clamp(1, 100_000)
}

/// Age in whole years on `today`.
pub fn age(birth: time::Date, today: time::Date) -> i32 {
    let mut a = today.year() - birth.year();
    if (today.month() as u8, today.day()) < (birth.month() as u8, birth.day()) {
        a -= 1;
    }
    a
}

pub fn local_time(t: time::OffsetDateTime) -> String {
    jiuye_app::local_time(t)
}

pub fn sex_label(code: &str) -> &'static str {
    jiuye_domain::Sex::from_code(code).map(|s| s.label()).unwrap_or("")
}

pub fn status_label(code: &str) -> &'static str {
    EmploymentStatus::from_code(code).map(|s| s.label()).unwrap_or("")
}
