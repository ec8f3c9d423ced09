//! Typed URL helpers: links and redirects are built here, not from string literals in handlers.

use uuid::Uuid;

pub fn login() -> &'static str {
    "/login"
}
pub fn change_password() -> &'static str {
    "/account/password"
}
pub fn persons() -> &'static str {
    "/persons"
}
pub fn person(id: Uuid) -> String {
    format!("/persons/{id}")
}
pub fn enterprises() -> &'static str {
    "/enterprises"
}
pub fn enterprise(id: Uuid) -> String {
    format!("/enterprises/{id}")
}
pub fn import_job(id: Uuid) -> String {
    format!("/import/jobs/{id}")
}
pub fn vacancies() -> &'static str {
    "/vacancies"
}
pub fn vacancy(id: Uuid) -> String {
    format!("/vacancies/{id}")
}
pub fn review_queue() -> &'static str {
    "/vacancies/review"
}
pub fn jobs() -> &'static str {
    "/jobs"
}
pub fn seekers() -> &'static str {
    "/seekers"
}
pub fn seeker(id: Uuid) -> String {
    format!("/seekers/{id}")
}
pub fn registration(id: Uuid) -> String {
    format!("/registrations/{id}")
}
