//! The authorization sweep (SECURITY.md R09, R10, T12): every route × every role against the matrix
//! in `access_matrix.txt`, with objects of the clerk's own township and of another one. A new route
//! without a matrix row fails the test, and so does any status that differs from the matrix.

use jiuye_domain::Role;

use crate::support::{TestApp, as_refs, person_fields};

const MATRIX: &str = include_str!("access_matrix.txt");
const ROLES: [&str; 6] = ["anon", "admin", "staff", "clerk", "hr", "leader"];

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let t = TestApp::new().await;
    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let own =
        staff.post("/persons", &as_refs(&person_fields(1, "和阳人", "130527100"))).await.location().rsplit('/').next().unwrap().to_string();
    let mut other_fields = person_fields(2, "贾宋人", "130527101");
    other_fields.push(("household_no".into(), "JS-1".into()));
    let other = staff.post("/persons", &as_refs(&other_fields)).await.location().rsplit('/').next().unwrap().to_string();
    let household = t
        .app
        .store
        .list_households(&jiuye_store::Scope::All, &Default::default(), jiuye_store::persons::Page { limit: 1, offset: 0 })
        .await
        .unwrap()
        .0[0]
        .id
        .to_string();
    let ent = staff
        .api(
            "POST",
            "/api/v1/enterprises",
            Some(serde_json::json!({"name": "乙公司", "credit_code": "91110108MA000004X8", "township": "贾宋镇", "industry": "工业"})),
            &[],
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let vacancy = t
        .app
        .submit_vacancy(
            &jiuye_app::Actor::cli(),
            &jiuye_app::jobs::VacancyInput {
                credit_code: "91110108MA000004X8".into(),
                title: "电焊工".into(),
                occupation: "电焊工".into(),
                posts: "2".into(),
                pay_min: "4000".into(),
                pay_max: "5000".into(),
                work_type: "全职".into(),
                township: "贾宋镇".into(),
                address: "贾宋镇工业园".into(),
                description: "负责焊接".into(),
                contact_name: "王经理".into(),
                contact_phone: "13812345678".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .to_string();
    let seeker = t
        .app
        .register_seeker(
            &jiuye_app::Actor::cli(),
            other.parse().unwrap(),
            &jiuye_app::seekers::SeekerInput { occupations: "电焊工".into(), ..Default::default() },
        )
        .await
        .unwrap()
        .to_string();
    let registration = t
        .app
        .register_unemployment(
            &jiuye_app::Actor::cli(),
            other.parse().unwrap(),
            &jiuye_app::unemployment::RegistrationInput { confirm_not_employed: "on".into(), ..Default::default() },
        )
        .await
        .unwrap()
        .to_string();
    // {application}: a subsidy application of a returning migrant worker of 贾宋镇.
    let returnee = t
        .app
        .create_person(
            &jiuye_app::Actor::cli(),
            &jiuye_app::registry::PersonInput {
                name: "返乡人员".into(),
                id_number: jiuye_app::demo::make_id_number("130527", time::macros::date!(1985 - 03 - 01), 77),
                township: "贾宋镇".into(),
                tags: "返乡农民工".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let window = jiuye_app::Actor { role: Role::BureauStaff, login: "window1".into(), ..jiuye_app::Actor::cli() };
    let application = t
        .app
        .submit_application(
            &jiuye_app::payments::Submitter::Staff(&window),
            &jiuye_app::payments::ApplicationInput {
                program: "startup_returnee".into(),
                person_id: Some(returnee),
                facts: serde_json::json!({"person.is_first_business": true, "business.operating_normally": true, "business.started_on": "2020-01-01"})
                    .as_object()
                    .unwrap()
                    .clone(),
                payee_bank: "中国农业银行南和支行".into(),
                payee_account: "6228480123456789012".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id
        .to_string();
    let mut clients = Vec::new();
    for role in ROLES {
        let c = match role {
            "anon" => t.client(),
            "admin" => t.logged_in("adm", Role::Admin, None).await,
            "staff" => t.logged_in("stf", Role::BureauStaff, None).await,
            "clerk" => t.logged_in("clk", Role::TownshipClerk, Some("130527100")).await,
            "leader" => t.logged_in("ldr", Role::Leader, None).await,
            _ => {
                let own_ent = staff
                    .api("POST", "/api/v1/enterprises", Some(serde_json::json!({"name": "甲公司", "credit_code": "91110108MA0000015T", "township": "和阳镇", "industry": "零售业"})), &[])
                    .await
                    .json()["id"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                let input = jiuye_app::accounts::UserInput {
                    login: "hr1".into(),
                    display_name: "HR".into(),
                    role: Role::EnterpriseHr,
                    township: None,
                    enterprise_id: Some(own_ent),
                };
                t.app.create_user_with_password(&jiuye_app::Actor::cli(), &input, crate::support::PASSWORD, false).await.unwrap();
                let mut c = t.client();
                c.login("hr1", crate::support::PASSWORD).await;
                c.refresh_csrf().await;
                c
            }
        };
        clients.push(c);
    }
    let mut failures = Vec::new();
    let mut rows = 0;
    for line in MATRIX.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols.len(), 2 + ROLES.len(), "matrix line: {line}");
        let (method, path) = (
            cols[0],
            cols[1]
                .replace("{own}", &own)
                .replace("{other}", &other)
                .replace("{household}", &household)
                .replace("{enterprise}", &ent)
                .replace("{vacancy}", &vacancy)
                .replace("{seeker}", &seeker)
                .replace("{registration}", &registration)
                .replace("{application}", &application),
        );
        rows += 1;
        for (i, c) in clients.iter_mut().enumerate() {
            let expected: u16 = cols[2 + i].parse().unwrap();
            let r = match method {
                "GET" => c.get(&path).await,
                "PUT" => c.api(method, &path, Some(serde_json::json!({})), &[("if-match", "1")]).await,
                _ => c.api(method, &path, Some(serde_json::json!({})), &[]).await,
            };
            if r.status.as_u16() != expected {
                failures.push(format!("{method} {path} as {}: expected {expected}, got {}", ROLES[i], r.status.as_u16()));
            }
        }
    }
    assert!(rows >= 30, "the matrix covers the routes");
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    // Nothing of the other township leaked to the clerk through a 2xx.
    assert!(t.audit_count("authz_denied").await > 0);
}

#[test]
fn every_api_route_has_a_matrix_row() {
    for (method, path) in jiuye_web::API_ROUTES {
        let generic = |l: &str| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols.len() > 2 && cols[0] == *method && {
                let p = cols[1];
                // Path parameters ({id}, {program}) match any concrete segment in the matrix.
                let norm = |s: &str| {
                    s.split('/')
                        .enumerate()
                        .map(|(i, seg)| if seg.starts_with('{') || (i == 4 && s.starts_with("/api/v1/")) { "{}" } else { seg })
                        .collect::<Vec<_>>()
                        .join("/")
                };
                norm(p.split('?').next().unwrap()) == norm(path)
            }
        };
        assert!(MATRIX.lines().any(generic), "{method} {path} has no row in access_matrix.txt");
    }
}
