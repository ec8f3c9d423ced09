//! Dashboards (issue 7): the charts leaders and staff look at every day, each with its table and
//! an .xlsx export, the leader's one-page overview (A4), and the monthly statistics report.
//! The figures come from the snapshot `App::refresh_stats` takes; charts are drawn in the browser
//! by the ECharts build shipped in the binary (`/static/echarts.min.js`, no CDN).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::stats::{Chart, Dashboard, Unit};
use jiuye_domain::Role;

use super::{Nav, Opt, township_opts};
use crate::AppState;
use crate::auth::Staff;
use crate::error::PageError;

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    township: String,
}

/// One chart as the page shows it: the chart box, its table and its export form.
pub struct ChartView {
    pub id: &'static str,
    pub title: String,
    pub basis: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub has_data: bool,
}

fn chart_view(c: &Chart) -> ChartView {
    let (headers, rows) = c.table();
    ChartView { id: c.id, title: c.title.clone(), basis: c.basis, headers, rows, has_data: c.has_data() }
}

/// The charts' data for the script, as JSON safe inside `<script type="application/json">`.
fn chart_json(d: &Dashboard) -> String {
    serde_json::json!({ "charts": d.charts }).to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// The headline figures, formatted.
pub struct Figure {
    pub label: &'static str,
    pub value: String,
    pub id: &'static str,
}

fn figures(d: &Dashboard) -> Vec<Figure> {
    let h = &d.headline;
    vec![
        Figure { id: "fig-unemployed", label: "登记失业人数（月末）", value: h.unemployed.to_string() },
        Figure { id: "fig-registered", label: "当月新登记失业", value: h.registered_new.to_string() },
        Figure { id: "fig-reemployed", label: "当月实现再就业", value: h.reemployed.to_string() },
        Figure {
            id: "fig-coverage",
            label: "当月跟踪服务覆盖率",
            value: h.coverage_permille.map(|p| Unit::Permille.format(p)).unwrap_or_else(|| "—".into()),
        },
        Figure { id: "fig-posts", label: "空缺岗位数（当前）", value: h.open_posts.to_string() },
        Figure { id: "fig-seekers", label: "求职人数（当前）", value: h.seekers.to_string() },
        Figure { id: "fig-headcount", label: "监测企业月末用工", value: format!("{}（{}）", h.headcount, h.monitor_period) },
        Figure {
            id: "fig-alerts",
            label: "裁员预警（红/橙/黄）",
            value: format!("{} / {} / {}（{}）", h.alerts_red, h.alerts_orange, h.alerts_yellow, h.monitor_period),
        },
        Figure { id: "fig-paid", label: "当月补贴支付（元）", value: Unit::Fen.format(h.paid_fen) },
    ]
}

fn refreshed_text(d: &Dashboard) -> String {
    match &d.refreshed {
        Some(r) => format!("数据截至 {}（统计用时 {} 毫秒）", super::local_time(r.finished_at), r.millis),
        None => "统计数据尚未生成：请点击“立即刷新”，或等待系统每小时自动刷新".into(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Option<Nav>,
    from: String,
    to: String,
    township: String,
    township_name: &'static str,
    townships: Vec<Opt>,
    choose_township: bool,
    can_refresh: bool,
    refreshed: String,
    figures: Vec<Figure>,
    charts: Vec<ChartView>,
    data: String,
    query: String,
}

fn query_string(d: &Dashboard) -> String {
    format!("from={}&to={}&township={}", d.from, d.to, d.township.as_deref().unwrap_or(""))
}

pub async fn page(State(s): State<AppState>, staff: Staff, Query(p): Query<Params>) -> Result<Response, PageError> {
    let d = s.app.dashboard(staff.actor(), &p.from, &p.to, &p.township).await.map_err(|e| staff.err(e))?;
    let role = staff.actor().role;
    Ok(DashboardPage {
        nav: Nav::of(&staff),
        townships: township_opts(d.township.as_deref().unwrap_or("")),
        choose_township: role != Role::TownshipClerk,
        can_refresh: matches!(role, Role::Admin | Role::BureauStaff),
        refreshed: refreshed_text(&d),
        figures: figures(&d),
        charts: d.charts.iter().map(chart_view).collect(),
        data: chart_json(&d),
        query: query_string(&d),
        from: d.from.clone(),
        to: d.to.clone(),
        township: d.township.clone().unwrap_or_default(),
        township_name: d.township_name,
    }
    .into_response())
}

/// One row of the overview's township table.
pub struct TownshipLine {
    pub name: String,
    pub cells: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard_overview.html")]
struct OverviewPage {
    nav: Option<Nav>,
    title: String,
    refreshed: String,
    figures: Vec<Figure>,
    township_headers: Vec<&'static str>,
    townships: Vec<TownshipLine>,
    subsidies: ChartView,
    charts: Vec<ChartView>,
    data: String,
    query: String,
}

/// `GET /dashboard/overview`: the leader's page, one A4 sheet when printed.
pub async fn overview(State(s): State<AppState>, staff: Staff, Query(p): Query<Params>) -> Result<Response, PageError> {
    let mut d = s.app.dashboard(staff.actor(), &p.from, &p.to, &p.township).await.map_err(|e| staff.err(e))?;
    let lines = s.app.township_lines(staff.actor(), &d.to).await.map_err(|e| staff.err(e))?;
    let subsidies = d.chart("subsidies").map(chart_view).ok_or_else(|| staff.err(AppError::NotFound))?;
    // Two trend charts fit the page beside the tables.
    d.charts.retain(|c| c.id == "unemployed" || c.id == "alerts");
    let (y, m) = d.to.split_once('-').unwrap_or((&d.to, ""));
    Ok(OverviewPage {
        nav: Nav::of(&staff),
        title: format!("南和区稳就业工作概览（{}·{y}年{}月）", d.township_name, m.trim_start_matches('0')),
        refreshed: refreshed_text(&d),
        figures: figures(&d),
        township_headers: jiuye_app::stats::TOWNSHIP_COLUMNS.to_vec(),
        townships: lines.into_iter().map(|l| TownshipLine { name: l.name, cells: l.cells }).collect(),
        subsidies,
        charts: d.charts.iter().map(chart_view).collect(),
        data: chart_json(&d),
        query: query_string(&d),
    }
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct ExportForm {
    csrf: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    township: String,
}

/// `POST /dashboard/charts/{id}/export`: one chart's table as .xlsx (audited).
pub async fn export(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<ExportForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("chart.xlsx");
    s.app.export_chart(staff.actor(), &id, &f.from, &f.to, &f.township, &path).await.map_err(|e| staff.err(e))?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    Ok(super::persons::xlsx_download(&format!("统计-{id}.xlsx"), bytes))
}

#[derive(serde::Deserialize)]
pub struct ReportForm {
    csrf: String,
    #[serde(default)]
    period: String,
}

/// `POST /dashboard/report`: the monthly statistics report of a month as .xlsx (audited).
pub async fn report(State(s): State<AppState>, staff: Staff, Form(f): Form<ReportForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let dir = tempfile::tempdir().map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    let path = dir.path().join("report.xlsx");
    let period = s.app.monthly_report(staff.actor(), &f.period, &path).await.map_err(|e| staff.err(e))?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| staff.err(AppError::Internal(e.to_string())))?;
    Ok(super::persons::xlsx_download(&format!("就业情况月报-{period}.xlsx"), bytes))
}

/// `POST /dashboard/refresh`: recompute the figures now (bureau staff).
pub async fn refresh(State(s): State<AppState>, staff: Staff, Form(f): Form<super::account::CsrfOnly>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    s.app.refresh_stats(Some(staff.actor())).await.map_err(|e| staff.err(e))?;
    Ok(Redirect::to("/dashboard").into_response())
}

/// The chart script and the ECharts build it draws with.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/dashboard.js"),
    )
}

pub async fn echarts() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../../static/vendor/echarts-5.6.0.common.min.js"),
    )
}

#[cfg(test)]
mod tests {
    use jiuye_app::stats::{Chart, Dashboard, Series, Unit};

    use super::chart_json;

    #[test]
    fn chart_data_cannot_close_its_script_element() {
        let d = Dashboard {
            from: "2020-01".into(),
            to: "2020-01".into(),
            township: None,
            township_name: "全区",
            refreshed: None,
            headline: Default::default(),
            charts: vec![Chart {
                id: "subsidies",
                title: "补贴".into(),
                basis: "",
                x_label: "补贴项目",
                x: vec!["</script><script>alert(1)</script>&amp;".into()],
                series: vec![Series { name: "已支付".into(), kind: "bar", stack: None, axis: 0, unit: Unit::Fen, values: vec![100] }],
            }],
        };
        let json = chart_json(&d);
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back["charts"][0]["x"][0], "</script><script>alert(1)</script>&amp;", "the text itself is kept");
    }
}
