//! Every route of jiuye, in one list, grouped by area.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower_http::timeout::TimeoutLayer;

use crate::pages::{
    account, admin, citizen, dashboard, enterprises, followup, households, import, insurance, jobs, monitoring, ops, payments, persons,
    policy, seekers, sms, vacancies,
};
use crate::{AppState, api, security};

/// Routes as `(method, path)`, for the OpenAPI and access-matrix tests.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/persons"),
    ("POST", "/api/v1/persons"),
    ("GET", "/api/v1/persons/{id}"),
    ("PUT", "/api/v1/persons/{id}"),
    ("GET", "/api/v1/households"),
    ("GET", "/api/v1/households/{id}"),
    ("GET", "/api/v1/enterprises"),
    ("POST", "/api/v1/enterprises"),
    ("GET", "/api/v1/enterprises/{id}"),
    ("PUT", "/api/v1/enterprises/{id}"),
    ("GET", "/api/v1/policy"),
    ("GET", "/api/v1/policy/{program}"),
    ("POST", "/api/v1/policy/{program}/evaluate"),
    ("GET", "/api/v1/vacancies"),
    ("POST", "/api/v1/vacancies"),
    ("GET", "/api/v1/vacancies/{id}"),
    ("GET", "/api/v1/openapi.json"),
];

pub fn router(state: AppState) -> Router {
    let upload_limit = usize::try_from(state.config.max_upload_bytes).unwrap_or(usize::MAX).saturating_add(64 * 1024);
    let timeout = state.config.request_timeout;
    let pages = Router::new()
        // sign-in
        .route("/", get(account::root))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route("/account/password", get(account::password_form).post(account::change_password))
        // persons and households
        .route("/persons", get(persons::list).post(persons::create))
        .route("/persons/new", get(persons::new_form))
        .route("/persons/search", post(persons::search))
        .route("/persons/export", post(persons::export))
        .route("/persons/{id}", get(persons::detail).post(persons::update))
        .route("/persons/{id}/edit", get(persons::edit_form))
        .route("/persons/{id}/reveal", post(persons::reveal))
        .route("/persons/{id}/registrations", post(followup::register))
        .route("/persons/{id}/difficult", post(followup::recognize))
        .route("/persons/{id}/difficult/{rid}/revoke", post(followup::revoke))
        // unemployment registration and follow-up
        .route("/registrations/{id}", get(followup::detail))
        .route("/registrations/{id}/contacts", post(followup::add_contact))
        .route("/registrations/{id}/close", post(followup::close))
        .route("/followup", get(followup::tasks))
        .route("/followup/remind", post(followup::remind))
        .route("/statistics/key-groups", get(followup::key_groups))
        .route("/households", get(households::list))
        .route("/households/export", post(households::export))
        .route("/households/zero", get(followup::zero))
        .route("/households/{id}", get(households::detail))
        // enterprises
        .route("/enterprises", get(enterprises::list).post(enterprises::create))
        .route("/enterprises/new", get(enterprises::new_form))
        .route("/enterprises/export", post(enterprises::export))
        .route("/enterprises/{id}", get(enterprises::detail).post(enterprises::update))
        .route("/enterprises/{id}/edit", get(enterprises::edit_form))
        .route("/enterprises/{id}/reveal", post(enterprises::reveal))
        // the public job board (no login)
        .route("/jobs", get(jobs::board))
        .route("/jobs/{id}", get(jobs::detail))
        // a citizen's own job-seeker registration (ID number + SMS code, no account)
        .route("/jobs/login", get(citizen::login_form).post(citizen::request_code))
        .route("/jobs/login/verify", post(citizen::verify))
        .route("/jobs/me", get(citizen::me).post(citizen::save))
        .route("/jobs/me/pushes/{id}", post(citizen::answer))
        .route("/jobs/me/unemployment", post(citizen::unemployment))
        .route("/jobs/me/offers/{id}", post(citizen::offer))
        .route("/jobs/me/apply", get(citizen::apply_form).post(citizen::apply))
        .route("/jobs/logout", post(citizen::logout))
        // vacancies: submission, review, filled posts, closing (staff and enterprise accounts)
        .route("/vacancies", get(vacancies::list).post(vacancies::create))
        .route("/vacancies/new", get(vacancies::new_form))
        .route("/vacancies/review", get(vacancies::review_queue))
        .route("/vacancies/export", post(vacancies::export))
        .route("/vacancies/{id}", get(vacancies::detail).post(vacancies::update))
        .route("/vacancies/{id}/edit", get(vacancies::edit_form))
        .route("/vacancies/{id}/matches", get(seekers::matches))
        .route("/vacancies/{id}/candidates", get(seekers::candidates))
        .route("/vacancies/{id}/push", post(seekers::push))
        .route("/vacancies/{id}/{action}", post(vacancies::action))
        // job seekers and pushes (双推送)
        .route("/seekers", get(seekers::list).post(seekers::create))
        .route("/seekers/new", get(seekers::new_form))
        .route("/seekers/{id}", get(seekers::detail).post(seekers::update))
        .route("/seekers/{id}/edit", get(seekers::edit_form))
        .route("/pushes/{id}/outcome", post(seekers::outcome))
        .route("/sms", get(sms::page))
        .route("/sms/inbound", post(sms::inbound))
        // subsidy applications, review, budgets, payment batches, publication (issue 6)
        .route("/applications", get(payments::list).post(payments::create))
        .route("/applications/new", get(payments::new_form))
        .route("/applications/offers", post(payments::offers))
        .route("/applications/{id}", get(payments::detail))
        .route("/applications/{id}/{action}", post(payments::action))
        .route("/budgets", get(payments::budgets).post(payments::allocate))
        .route("/batches", get(payments::batches).post(payments::create_batch))
        .route("/batches/{id}", get(payments::batch))
        .route("/batches/{id}/export", post(payments::export_batch))
        .route("/batches/{id}/reconcile", post(payments::reconcile))
        .route("/recipients", get(payments::recipients))
        // layoff early warning (issue 7)
        .route("/monitoring", get(monitoring::alerts))
        .route("/monitoring/mine", get(monitoring::mine))
        .route("/monitoring/late", get(monitoring::late))
        .route("/monitoring/alerts/{id}", get(monitoring::alert).post(monitoring::act))
        .route("/monitoring/import", get(monitoring::import_form))
        .route("/monitoring/import/template.xlsx", get(monitoring::import_template))
        .route("/monitoring/insurance", get(insurance::form))
        .route("/monitoring/insurance/template.xlsx", get(insurance::template))
        .route("/enterprises/{id}/monitoring", get(monitoring::enterprise).post(monitoring::manage))
        .route("/enterprises/{id}/monitoring/reports", post(monitoring::submit))
        .route("/enterprises/{id}/layoff-plans/new", get(monitoring::plan_form))
        .route("/enterprises/{id}/layoff-plans", post(monitoring::file_plan))
        // dashboards and the monthly statistics report (issue 7)
        .route("/dashboard", get(dashboard::page))
        .route("/dashboard/overview", get(dashboard::overview))
        .route("/dashboard/refresh", post(dashboard::refresh))
        .route("/dashboard/report", post(dashboard::report))
        .route("/dashboard/charts/{id}/export", post(dashboard::export))
        // import
        .route("/import", get(import::form_page))
        .route("/import/jobs/{id}", get(import::job))
        .route("/templates/{name}", get(import::template))
        // the policy as code (public)
        .route("/policy", get(policy::list))
        .route("/policy/{id}", get(policy::detail).post(policy::explain))
        .route("/scan", get(policy::scan))
        .route("/simulate", get(policy::simulate_form).post(policy::simulate))
        // administration
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{login}/{action}", post(admin::user_action))
        .route("/admin/audit", get(admin::audit))
        // operations
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/static/app.css", get(ops::css))
        .route("/static/dashboard.js", get(dashboard::script))
        .route("/static/echarts.min.js", get(dashboard::echarts))
        // JSON API
        .route("/api/v1/persons", get(api::registry::list_persons).post(api::registry::create_person))
        .route("/api/v1/persons/{id}", get(api::registry::get_person).put(api::registry::update_person))
        .route("/api/v1/households", get(api::registry::list_households))
        .route("/api/v1/households/{id}", get(api::registry::get_household))
        .route("/api/v1/enterprises", get(api::registry::list_enterprises).post(api::registry::create_enterprise))
        .route("/api/v1/enterprises/{id}", get(api::registry::get_enterprise).put(api::registry::update_enterprise))
        .route("/api/v1/policy", get(api::policy::list))
        .route("/api/v1/policy/{program}", get(api::policy::get))
        .route("/api/v1/policy/{program}/evaluate", post(api::policy::evaluate))
        .route("/api/v1/vacancies", get(api::jobs::search).post(api::jobs::submit))
        .route("/api/v1/vacancies/{id}", get(api::jobs::get))
        .route("/api/v1/openapi.json", get(api::openapi::serve))
        .layer(DefaultBodyLimit::max(1024 * 1024));
    // The upload route alone accepts large bodies.
    let upload = Router::new()
        .route("/import", axum::routing::post(import::upload))
        .route("/monitoring/import", axum::routing::post(monitoring::import_upload))
        .route("/monitoring/insurance", axum::routing::post(insurance::upload))
        .layer(DefaultBodyLimit::max(upload_limit));
    pages
        .merge(upload)
        .layer(axum::middleware::from_fn(security::same_origin))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::context))
        .with_state(state)
}
