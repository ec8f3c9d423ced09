//! Layoff early warning (issue 7): the alerts of monitored enterprises with the district view by
//! township and industry, so that a large-scale unemployment risk (规模性失业风险) shows early.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiuye_app::monitoring::{AlertView, aggregate};

use super::{Nav, Opt, township_opts};
use crate::AppState;
use crate::auth::Staff;
use crate::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "monitoring.html")]
struct AlertsPage {
    nav: Option<Nav>,
    period: String,
    townships: Vec<Opt>,
    alerts: Vec<AlertView>,
    by_township: Vec<(String, usize, usize, usize)>,
    by_industry: Vec<(String, usize, usize, usize)>,
    red: usize,
    orange: usize,
    yellow: usize,
}

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(default)]
    period: String,
    #[serde(default)]
    township: String,
}

pub async fn alerts(State(s): State<AppState>, staff: Staff, Query(p): Query<Params>) -> Result<Response, PageError> {
    let alerts = s.app.monitor_alerts(staff.actor(), Some(&p.period), Some(&p.township)).await.map_err(|e| staff.err(e))?;
    let count = |l: &str| alerts.iter().filter(|a| a.level == l && a.status != "closed").count();
    Ok(AlertsPage {
        nav: Nav::of(&staff),
        townships: township_opts(&p.township),
        by_township: aggregate(&alerts, false),
        by_industry: aggregate(&alerts, true),
        red: count("red"),
        orange: count("orange"),
        yellow: count("yellow"),
        period: p.period,
        alerts,
    }
    .into_response())
}
