//! Unit tests of the match criteria and of ranking.

use super::*;

fn welder() -> SeekerProfile {
    SeekerProfile {
        id: 1,
        occupation_codes: vec!["6-04-01-01".into()],
        occupation_names: vec!["电焊工".into()],
        skills: vec!["氩弧焊".into(), "CO2保护焊".into()],
        pay_expect_yuan: Some(4000),
        township_code: Some("110105001".into()),
        work_types: vec!["full_time".into()],
        education_rank: Some(3),
        experience_years: Some(5),
        age: Some(35),
    }
}

fn welding_job() -> VacancyProfile {
    VacancyProfile {
        id: 10,
        occupation_code: "6-04-01-01".into(),
        title: "招聘电焊工".into(),
        occupation_name: "电焊工".into(),
        description: "熟练氩弧焊、ＣＯ２保护焊，持证上岗".into(),
        township_code: "110105001".into(),
        work_type: "full_time".into(),
        pay_min_yuan: 3500,
        pay_max_yuan: 4500,
        education_min_rank: Some(2),
        experience_min_years: Some(2),
    }
}

fn criterion(score: &MatchScore, code: &str) -> Criterion {
    score.criteria.iter().find(|c| c.code == code).cloned().unwrap_or_else(|| panic!("no criterion {code}"))
}

#[test]
fn a_perfect_fit_scores_one_hundred_with_every_criterion_met() {
    let s = score(&welder(), &welding_job());
    assert_eq!(s.score, 100, "{s:#?}");
    assert!(s.criteria.iter().all(|c| c.met && c.points == c.max_points), "{s:#?}");
    let codes: Vec<&str> = s.criteria.iter().map(|c| c.code).collect();
    assert_eq!(codes, ["occupation", "skills", "pay", "township", "work_type", "education", "experience"]);
    assert_eq!(criterion(&s, "occupation").detail, "期望职业“电焊工”与岗位职业一致");
    assert_eq!(criterion(&s, "pay").detail, "期望月薪4000元，岗位3500–4500元");
}

#[test]
fn occupation_points_fall_with_the_distance_between_codes() {
    let cases =
        [("6-04-01-01", 35, true), ("6-04-01-02", 25, true), ("6-04-02-01", 15, true), ("6-05-01-01", 5, true), ("4-01-01-01", 0, false)];
    for (code, points, met) in cases {
        let v = VacancyProfile { occupation_code: code.into(), occupation_name: "其他".into(), title: "岗位".into(), ..welding_job() };
        let c = criterion(&score(&welder(), &v), "occupation");
        assert_eq!((c.points, c.met), (points, met), "code {code}: {c:?}");
    }
}

#[test]
fn an_occupation_name_in_the_title_counts_without_codes() {
    let seeker = SeekerProfile { occupation_codes: vec![], occupation_names: vec!["焊工".into()], ..welder() };
    let v =
        VacancyProfile { occupation_code: "9-99".into(), title: "急招氩弧焊工".into(), occupation_name: "".into(), ..welding_job() };
    let c = criterion(&score(&seeker, &v), "occupation");
    assert_eq!((c.points, c.met), (25, true), "{c:?}");
    assert_eq!(c.detail, "期望职业“焊工”见于岗位名称");
}

#[test]
fn the_better_of_a_shared_group_and_a_name_in_the_title_counts() {
    // Only the major group is shared (5), but the expected name is in the title (25).
    let v = VacancyProfile {
        occupation_code: "6-05-01-01".into(),
        title: "电焊工兼氩弧焊".into(),
        occupation_name: "其他".into(),
        ..welding_job()
    };
    let c = criterion(&score(&welder(), &v), "occupation");
    assert_eq!((c.points, c.met), (25, true), "{c:?}");
    assert_eq!(c.detail, "期望职业“电焊工”见于岗位名称");
    // A finer shared group is worth more than the name: it wins.
    let v =
        VacancyProfile {
            occupation_code: "6-04-01-02".into(), title: "电焊工".into(), occupation_name: "其他".into(), ..welding_job()
        };
    assert_eq!(criterion(&score(&welder(), &v), "occupation").points, 25);
}

#[test]
fn a_seeker_without_occupation_gets_no_occupation_points() {
    let seeker = SeekerProfile { occupation_codes: vec![], occupation_names: vec![" ".into()], ..welder() };
    let c = criterion(&score(&seeker, &welding_job()), "occupation");
    assert_eq!((c.points, c.met, c.detail.as_str()), (0, false, "求职者未填写期望职业"));
}

#[test]
fn skills_count_case_and_width_insensitively_up_to_three() {
    let c = criterion(&score(&welder(), &welding_job()), "skills");
    assert_eq!((c.points, c.met), (20, true), "{c:?}");
    assert_eq!(c.detail, "技能“氩弧焊”“CO2保护焊”见于岗位描述（2/2）");

    let many = SeekerProfile { skills: vec!["氩弧焊".into(), "叉车".into(), "电工".into(), "焊接".into()], ..welder() };
    let c = criterion(&score(&many, &welding_job()), "skills");
    assert_eq!((c.points, c.met), (6, true), "one of three needed: {c:?}");

    let none = SeekerProfile { skills: vec!["会计".into()], ..welder() };
    let c = criterion(&score(&none, &welding_job()), "skills");
    assert_eq!((c.points, c.met), (0, false), "{c:?}");
}

#[test]
fn pay_is_met_up_to_the_maximum_and_partly_up_to_ten_percent_above() {
    for (expect, points, met) in
        [(Some(3000), 15, true), (Some(4500), 15, true), (Some(4950), 8, false), (Some(5000), 0, false), (None, 8, false)]
    {
        let seeker = SeekerProfile { pay_expect_yuan: expect, ..welder() };
        let c = criterion(&score(&seeker, &welding_job()), "pay");
        assert_eq!((c.points, c.met), (points, met), "expect {expect:?}: {c:?}");
    }
    let unstated = VacancyProfile { pay_min_yuan: 0, pay_max_yuan: 0, ..welding_job() };
    let c = criterion(&score(&welder(), &unstated), "pay");
    assert_eq!((c.points, c.met, c.detail.as_str()), (8, false, "岗位未标明薪资"));
}

#[test]
fn township_scores_same_township_then_same_county() {
    for (code, points, met) in [("110105001", 10, true), ("110105002", 4, false), ("110106001", 0, false)] {
        let v = VacancyProfile { township_code: code.into(), ..welding_job() };
        let c = criterion(&score(&welder(), &v), "township");
        assert_eq!((c.points, c.met), (points, met), "{code}: {c:?}");
    }
    let unknown = SeekerProfile { township_code: None, ..welder() };
    assert_eq!(criterion(&score(&unknown, &welding_job()), "township").points, 0);
}

#[test]
fn work_type_must_be_among_the_wanted_ones_unless_none_are_named() {
    let part_time = VacancyProfile { work_type: "part_time".into(), ..welding_job() };
    let c = criterion(&score(&welder(), &part_time), "work_type");
    assert_eq!((c.points, c.met), (0, false), "{c:?}");
    let any = SeekerProfile { work_types: vec![], ..welder() };
    let c = criterion(&score(&any, &part_time), "work_type");
    assert_eq!((c.points, c.met), (5, false), "{c:?}");
}

#[test]
fn education_below_the_minimum_is_visible_as_unmet() {
    let v = VacancyProfile { education_min_rank: Some(5), ..welding_job() };
    let c = criterion(&score(&welder(), &v), "education");
    assert_eq!((c.points, c.met), (0, false));
    assert_eq!(c.detail, "学历高中/中专/技校，低于岗位要求本科及以上");
    let unknown = SeekerProfile { education_rank: None, ..welder() };
    assert!(!criterion(&score(&unknown, &v), "education").met);
    let open = VacancyProfile { education_min_rank: None, ..welding_job() };
    assert!(criterion(&score(&unknown, &open), "education").met);
}

#[test]
fn experience_below_the_minimum_is_visible_as_unmet() {
    let v = VacancyProfile { experience_min_years: Some(8), ..welding_job() };
    let c = criterion(&score(&welder(), &v), "experience");
    assert_eq!((c.points, c.met, c.detail.as_str()), (0, false, "工作经验5年，少于岗位要求8年以上"));
    let open = VacancyProfile { experience_min_years: None, ..welding_job() };
    assert!(criterion(&score(&welder(), &open), "experience").met);
}

fn vacancies(n: i64) -> Vec<VacancyProfile> {
    (0..n)
        .map(|i| VacancyProfile {
            id: (i * 7919) % n,
            occupation_code: if i % 3 == 0 { "6-04-01-01".into() } else { format!("6-0{}-01-01", i % 9) },
            township_code: format!("11010500{}", i % 4),
            pay_max_yuan: 3000 + (i % 5) * 500,
            description: if i % 2 == 0 { "氩弧焊".into() } else { "搬运".into() },
            ..welding_job()
        })
        .collect()
}

#[test]
fn ranking_is_by_score_then_smaller_id_and_matches_a_full_sort() {
    let all = vacancies(500);
    let seeker = welder();
    let mut expected: Vec<(u32, i64)> = all.iter().map(|v| (score(&seeker, v).score, v.id)).collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for k in [0, 1, 7, 50, 500, 600] {
        let got: Vec<(u32, i64)> = top_vacancies_for(&seeker, &all, k).iter().map(|(id, s)| (s.score, *id)).collect();
        let want: Vec<(u32, i64)> = expected.iter().take(k).copied().collect();
        assert_eq!(got, want, "k={k}");
    }
}

#[test]
fn ranking_does_not_depend_on_input_order() {
    let mut all = vacancies(300);
    let first = top_vacancies_for(&welder(), &all, 20);
    all.reverse();
    assert_eq!(top_vacancies_for(&welder(), &all, 20), first);
}

#[test]
fn top_seekers_rank_by_score_then_smaller_id() {
    let seekers: Vec<SeekerProfile> = (0..200)
        .map(|i| SeekerProfile {
            id: 1000 - i,
            education_rank: Some(u8::try_from(i % 5).unwrap_or(0)),
            pay_expect_yuan: Some(3000 + i * 20),
            ..welder()
        })
        .collect();
    let v = welding_job();
    let top = top_seekers_for(&v, &seekers, 10);
    assert_eq!(top.len(), 10);
    let mut expected: Vec<(u32, i64)> = seekers.iter().map(|s| (score(s, &v).score, s.id)).collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let got: Vec<(u32, i64)> = top.iter().map(|(id, s)| (s.score, *id)).collect();
    assert_eq!(got, expected.into_iter().take(10).collect::<Vec<_>>());
    assert!(top.iter().all(|(_, s)| s.criteria.iter().all(|c| !c.detail.is_empty())));
}
