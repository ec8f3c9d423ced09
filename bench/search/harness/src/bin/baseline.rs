//! The PostgreSQL baselines over HTTP: `GET /ilike?q=…` and `GET /trgm?q=…` (same handler; which
//! one is measured is decided by whether the pg_trgm GIN indexes exist at the time — run.sh
//! measures /ilike before creating them and /trgm after).
//!
//! baseline BIND DATABASE_URL POOL_SIZE
//!
//! The match rule in SQL, per query term t from `jiuye_search::query_terms` (terms are word
//! characters only, so no LIKE escaping is needed):
//!   (v.title ILIKE '%t%' OR v.description ILIKE '%t%' OR v.employer_name ILIKE '%t%'
//!    OR v.occupation_code = ANY(codes whose normalised occupation name contains t))
//! all terms ANDed, `status = 'published'`. The occupation name lives in the code list, not in the
//! table, so its test is resolved in the application (85 names), as a PostgreSQL-only product
//! would do it. Response: {"total": count(*), "items": first 20 by published_at desc, id desc},
//! each item with the same columns as the product's vacancy query (with the township join).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiuye_search::{normalize, query_terms};
use sqlx::postgres::{PgPool, PgPoolOptions};

const ITEMS: &str = "SELECT v.id, v.search_key, v.kind, v.enterprise_id, v.employer_name, v.title, v.occupation_code, v.posts, v.filled,
    v.pay_min_yuan, v.pay_max_yuan, v.education_min, v.experience_min_years, v.work_type, v.township_code, t.name AS township_name,
    v.address, v.description, v.how_to_apply, v.contact_name, v.contact_phone, v.valid_until, v.status, v.published_at
    FROM vacancies v JOIN townships t ON t.code = v.township_code";

#[derive(serde::Deserialize)]
struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    per_page: Option<i64>,
}

struct Ctx {
    pool: PgPool,
}

fn where_clause(q: &str) -> (String, Vec<String>, Vec<Vec<String>>) {
    let mut sql = String::from("v.status = 'published'");
    let mut patterns = Vec::new();
    let mut codes = Vec::new();
    // Terms contained in another term are dropped (the match set is the same; the product's index
    // does the same), so 电焊工 → [电焊工], not [电焊, 焊工, 电焊工].
    let all = query_terms(q);
    let terms: Vec<String> =
        all.iter().filter(|t| !all.iter().any(|u| u != *t && u.contains(t.as_str()))).cloned().collect();
    for t in terms {
        let occ: Vec<String> = jiuye_domain::occupation::OCCUPATIONS
            .iter()
            .filter(|o| normalize(o.name).contains(t.as_str()))
            .map(|o| o.code.to_string())
            .collect();
        patterns.push(format!("%{t}%"));
        let p = patterns.len();
        let mut clause = format!("(v.title ILIKE ${p} OR v.description ILIKE ${p} OR v.employer_name ILIKE ${p}");
        if !occ.is_empty() {
            codes.push(occ);
            clause.push_str(&format!(" OR v.occupation_code = ANY($C{})", codes.len()));
        }
        clause.push(')');
        sql.push_str(" AND ");
        sql.push_str(&clause);
    }
    // Code-list parameters are numbered after the patterns.
    let n = patterns.len();
    for k in (1..=codes.len()).rev() {
        sql = sql.replace(&format!("$C{k}"), &format!("${}", n + k));
    }
    (sql, patterns, codes)
}

async fn search(State(ctx): State<Arc<Ctx>>, Query(p): Query<Params>) -> Response {
    let (cond, patterns, codes) = where_clause(&p.q);
    let per_page = p.per_page.unwrap_or(20).clamp(1, 100);
    let count_sql = format!("SELECT count(*) FROM vacancies v WHERE {cond}");
    let items_sql = format!(
        "SELECT coalesce(json_agg(x), '[]'::json)::text FROM ({ITEMS} WHERE {cond} ORDER BY v.published_at DESC, v.id DESC LIMIT {per_page}) x"
    );
    let mut cq = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(count_sql.as_str()));
    let mut iq = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(items_sql.as_str()));
    for pat in &patterns {
        cq = cq.bind(pat.clone());
        iq = iq.bind(pat.clone());
    }
    for c in &codes {
        cq = cq.bind(c.clone());
        iq = iq.bind(c.clone());
    }
    let total = match cq.fetch_one(&ctx.pool).await {
        Ok((t,)) => t,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let items = match iq.fetch_one(&ctx.pool).await {
        Ok((s,)) => s,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let body = format!("{{\"total\":{total},\"items\":{items}}}");
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn explain(State(ctx): State<Arc<Ctx>>, Query(p): Query<Params>) -> Response {
    let (cond, patterns, codes) = where_clause(&p.q);
    let sql = format!("EXPLAIN SELECT count(*) FROM vacancies v WHERE {cond}");
    let mut q = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(sql.as_str()));
    for pat in &patterns {
        q = q.bind(pat.clone());
    }
    for c in &codes {
        q = q.bind(c.clone());
    }
    match q.fetch_all(&ctx.pool).await {
        Ok(rows) => rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("\n").into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, bind, url, pool] = args.as_slice() else {
        return Err("usage: baseline BIND DATABASE_URL POOL_SIZE".into());
    };
    // No pool-acquire timeout in practice: under 32 clients an ILIKE request may wait minutes for one
    // of the 8 connections, and a 500 would drop its latency from the measurement.
    let pool = PgPoolOptions::new()
        .max_connections(pool.parse()?)
        .acquire_timeout(std::time::Duration::from_secs(3600))
        .connect(url)
        .await?;
    let ctx = Arc::new(Ctx { pool });
    let app = Router::new()
        .route("/ilike", get(search))
        .route("/trgm", get(search))
        .route("/explain", get(explain))
        .with_state(ctx);
    let listener = tokio::net::TcpListener::bind(bind).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
