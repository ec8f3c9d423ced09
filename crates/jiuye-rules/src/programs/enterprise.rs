//! Programs an employer applies for: hiring subsidies (（十）（十四）), the small-firm guarantee loan
//! (（十）), stable-post refunds and the other relief of measure （二）.

use super::{Amount, AmountKind, Applicant, Exclusivity, GrantScope, Program, cond, window};
use crate::expr::{Expr, and, eq, fact, ge, gt, if_, int, is_in, le, mul, or, param, sym, year};

const M2: &str = "（二）";
const M10: &str = "（十）";
const M14: &str = "（十四）";
const SME: &[&str] = &["medium", "small", "micro"];

pub(super) fn programs() -> Vec<Program> {
    vec![
        hire_unemployed(),
        hire_graduate(),
        small_firm_loan(),
        stable_post_refund(),
        stable_post_refund_hardship(),
        si_subsidy_extension(),
        onjob_training_hardship(),
        wage_deposit_deferral(),
    ]
}

/// A hire is judged at its own date (`reference_date`), but only once it has happened: a decision
/// or a scan as of a date never counts a hire dated after it (a contract signed to start next
/// month is not yet a hire; a scan replayed for a past date does not list later hires).
fn hired_by_as_of(measure: &'static str, clause: &'static str) -> super::Condition {
    cond("hired_by_as_of", measure, clause, "招用已经发生（招用日期不晚于判断日期）", le(fact("hire.date"), Expr::AsOf), &["hire.date"])
}

fn hire_unemployed() -> Program {
    let c = "hire_unemployed";
    Program {
        id: "hire_unemployed",
        name: "一次性吸纳就业补贴",
        measures: vec![M10],
        applicant: Applicant::Hire,
        reference_date: Some("hire.date"),
        conditions: vec![
            window(M10, c, "招用日期在实施期限内（{hire_unemployed.in_force}）", "hire_unemployed.in_force", "hire.date"),
            hired_by_as_of(M10, c),
            cond(
                "registered_6_months",
                M10,
                c,
                "招用前已连续登记失业满{hire_unemployed.min_registered_months}个月（半年以上）",
                ge(fact("hire.person_registered_unemployed_months"), param("hire_unemployed.min_registered_months")),
                &["hire.person_registered_unemployed_months"],
            ),
            cond(
                "contract_one_year",
                M10,
                c,
                "签订{hire_unemployed.min_contract_months}个月（1年）以上劳动合同",
                ge(fact("hire.contract_months"), param("hire_unemployed.min_contract_months")),
                &["hire.contract_months"],
            ),
            cond(
                "social_insurance_paid",
                M10,
                c,
                "企业按规定为其缴纳社会保险",
                fact("hire.social_insurance_paid"),
                &["hire.social_insurance_paid"],
            ),
        ],
        amount: Some(Amount {
            expr: param("hire_unemployed.amount_yuan"),
            kind: AmountKind::OneTime,
            text: "每招用1人{hire_unemployed.amount_yuan}",
        }),
        benefit: "按招用人数给予一次性吸纳就业补贴",
        exclusivity: Exclusivity {
            once: true,
            exclusive_with: vec!["hire_graduate"],
            scope: GrantScope::Ever,
            source: "一次性补贴同一人不重复享受（（十））；与高校毕业生吸纳补贴（（十四））不可兼得：local decision / 待确认",
        },
        not_encoded: vec![],
    }
}

fn hire_graduate() -> Program {
    let c = "hire_graduate";
    Program {
        id: "hire_graduate",
        name: "一次性吸纳就业补贴（高校毕业生）",
        measures: vec![M14],
        applicant: Applicant::Hire,
        reference_date: Some("hire.date"),
        conditions: vec![
            window(M14, c, "招用日期在实施期限内（{hire_graduate.in_force}）", "hire_graduate.in_force", "hire.date"),
            hired_by_as_of(M14, c),
            cond("sme", M14, c, "招用单位为中小微企业", is_in(fact("enterprise.size_class"), SME), &["enterprise.size_class"]),
            cond("college_graduate", M14, c, "招用的是高校毕业生", fact("person.is_college_graduate"), &["person.is_college_graduate"]),
            cond(
                "graduation_year",
                M14,
                c,
                "在毕业年度内招用（毕业当年1月1日至12月31日）",
                eq(year(fact("person.graduation_date")), year(fact("hire.date"))),
                &["person.graduation_date", "hire.date"],
            ),
            cond(
                "contract_one_year",
                M14,
                c,
                "签订{hire_graduate.min_contract_months}个月（1年）以上劳动合同",
                ge(fact("hire.contract_months"), param("hire_graduate.min_contract_months")),
                &["hire.contract_months"],
            ),
        ],
        amount: Some(Amount {
            expr: param("hire_graduate.amount_yuan"),
            kind: AmountKind::OneTime,
            text: "每招用1人{hire_graduate.amount_yuan}（区级标准，待确认）",
        }),
        benefit: "给予一次性吸纳就业补贴",
        exclusivity: Exclusivity {
            once: true,
            exclusive_with: vec!["hire_unemployed"],
            scope: GrantScope::Ever,
            source: "一次性补贴同一人不重复享受；与（十）吸纳登记失业人员补贴不可兼得：local decision / 待确认",
        },
        not_encoded: vec![],
    }
}

fn small_firm_loan() -> Program {
    let c = "small_firm_loan";
    let staff = || fact("enterprise.staff_total");
    let required_share = if_(
        gt(staff(), param("small_firm_loan.large_staff_threshold")),
        param("small_firm_loan.new_hire_ratio_large"),
        param("small_firm_loan.new_hire_ratio"),
    );
    let hires = || fact("enterprise.qualifying_new_hires_this_year");
    Program {
        id: "small_firm_loan",
        name: "小微企业创业担保贷款",
        measures: vec![M10],
        applicant: Applicant::Enterprise,
        reference_date: None,
        conditions: vec![
            cond(
                "small_or_micro",
                M10,
                c,
                "申请企业为小微企业",
                is_in(fact("enterprise.size_class"), &["small", "micro"]),
                &["enterprise.size_class"],
            ),
            cond(
                "new_hire_share",
                M10,
                c,
                "当年新招用符合条件人员占现有职工比例达到{small_firm_loan.new_hire_ratio}（职工超过{small_firm_loan.large_staff_threshold}人的达到{small_firm_loan.new_hire_ratio_large}）",
                // Cross-multiplied: no division, so a firm with no staff is judged, not undefined.
                and(vec![gt(hires(), int(0)), ge(hires(), mul(staff(), required_share))]),
                &["enterprise.qualifying_new_hires_this_year", "enterprise.staff_total"],
            ),
        ],
        amount: Some(Amount {
            expr: param("small_firm_loan.ceiling_yuan"),
            kind: AmountKind::LoanCeiling,
            text: "贷款额度上限{small_firm_loan.ceiling_yuan}（区级参数，待确认）",
        }),
        benefit: "可申请小微企业创业担保贷款及贴息",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["贷款银行、担保机构的授信审查与贴息办理不在本规则内"],
    }
}

/// "Not laying off or laying off few", as （二） relaxes it during the epidemic: layoff rate at most
/// last year's national surveyed urban unemployment control target, or — for firms with at most
/// 30 insured staff — layoffs at most 20% of all staff. Shared by three programs of （二）.
fn layoff_test() -> Expr {
    or(vec![
        le(fact("enterprise.layoff_rate"), param("stable_post_refund.control_target")),
        and(vec![
            le(fact("enterprise.insured_staff"), param("stable_post_refund.small_insured_threshold")),
            le(fact("enterprise.layoffs_in_period"), mul(fact("enterprise.staff_total"), param("stable_post_refund.small_layoff_ratio"))),
        ]),
    ])
}

const LAYOFF_SHOWS: &[&str] =
    &["enterprise.layoff_rate", "enterprise.insured_staff", "enterprise.layoffs_in_period", "enterprise.staff_total"];
const LAYOFF_TEXT: &str = "裁员率不高于上年度全国城镇调查失业率控制目标{stable_post_refund.control_target}，或参保职工{stable_post_refund.small_insured_threshold}人（含）以下且裁员不超过职工总数的{stable_post_refund.small_layoff_ratio}";

fn stable_post_refund() -> Program {
    let c = "stable_post_layoff_rate";
    Program {
        id: "stable_post_refund",
        name: "失业保险稳岗返还（中小微企业）",
        measures: vec![M2],
        applicant: Applicant::Enterprise,
        reference_date: None,
        conditions: vec![
            window(M2, c, "在疫情防控期间申请（{stable_post_refund.in_force}）", "stable_post_refund.in_force", "as_of"),
            cond("sme", M2, c, "申请企业为中小微企业", is_in(fact("enterprise.size_class"), SME), &["enterprise.size_class"]),
            cond("insured", M2, c, "企业参加失业保险", fact("enterprise.unemployment_insured"), &["enterprise.unemployment_insured"]),
            cond("layoff_rate", M2, c, LAYOFF_TEXT, layoff_test(), LAYOFF_SHOWS),
        ],
        amount: Some(Amount {
            expr: mul(param("stable_post_refund.refund_ratio"), fact("enterprise.ui_contributions_last_year_yuan")),
            kind: AmountKind::Maximum,
            text: "最高为企业及其职工上年度缴纳失业保险费的{stable_post_refund.refund_ratio}",
        }),
        benefit: "返还失业保险费",
        exclusivity: Exclusivity {
            once: true,
            exclusive_with: vec!["stable_post_refund_hardship"],
            scope: GrantScope::SameYear,
            source: "每年度返还一次，且与困难企业稳岗返还不同时享受：local decision / 待确认",
        },
        not_encoded: vec![],
    }
}

fn hardship_conditions(clause: &'static str) -> Vec<super::Condition> {
    vec![
        window(M2, "hardship_deadline", "在政策实施期限内申请（{hardship.in_force}）", "hardship.in_force", "as_of"),
        cond("insured", M2, clause, "企业参加失业保险", fact("enterprise.unemployment_insured"), &["enterprise.unemployment_insured"]),
        cond(
            "temporary_difficulty",
            M2,
            clause,
            "企业面临暂时生产经营困难",
            fact("enterprise.in_temporary_difficulty"),
            &["enterprise.in_temporary_difficulty"],
        ),
        cond("recovery_expected", M2, clause, "恢复有望", fact("enterprise.recovery_expected"), &["enterprise.recovery_expected"]),
        cond("few_layoffs", M2, clause, LAYOFF_TEXT, layoff_test(), LAYOFF_SHOWS),
    ]
}

fn stable_post_refund_hardship() -> Program {
    let benefit_formula = mul(
        mul(param("stable_post_refund_hardship.benefit_months"), param("ui.benefit_monthly_per_capita_yuan")),
        fact("enterprise.insured_staff"),
    );
    let si_formula = mul(param("stable_post_refund_hardship.si_months"), fact("enterprise.monthly_si_contributions_yuan"));
    Program {
        id: "stable_post_refund_hardship",
        name: "困难企业稳岗返还",
        measures: vec![M2],
        applicant: Applicant::Enterprise,
        reference_date: None,
        conditions: hardship_conditions("stable_post_hardship"),
        amount: Some(Amount {
            expr: if_(eq(param("stable_post_refund_hardship.formula"), sym("benefit_months")), benefit_formula, si_formula),
            kind: AmountKind::Maximum,
            text: "按参数选定的口径（{stable_post_refund_hardship.formula}）：不超过{stable_post_refund_hardship.benefit_months}个月的当地月人均失业保险金（{ui.benefit_monthly_per_capita_yuan}）× 参保职工人数，或不超过{stable_post_refund_hardship.si_months}个月的企业及其职工应缴社会保险费",
        }),
        benefit: "放宽认定标准的稳岗返还，重点向受疫情影响企业倾斜",
        exclusivity: Exclusivity {
            once: true,
            exclusive_with: vec!["stable_post_refund"],
            scope: GrantScope::SameYear,
            source: "每年度返还一次，且与中小微企业稳岗返还不同时享受：local decision / 待确认",
        },
        not_encoded: vec![
            "“适当放宽认定标准”的具体尺度由区人社局确定（local decision / 待确认）；此处沿用疫情期间中小微企业稳岗返还的裁员率标准",
        ],
    }
}

fn si_subsidy_extension() -> Program {
    let c = "si_subsidy_extension";
    Program {
        id: "si_subsidy_extension",
        name: "吸纳就业困难人员社会保险补贴期限顺延",
        measures: vec![M2],
        applicant: Applicant::Enterprise,
        reference_date: None,
        conditions: vec![
            cond(
                "receives_si_subsidy",
                M2,
                c,
                "企业正在享受吸纳就业困难人员社会保险补贴",
                fact("enterprise.receives_difficult_hire_si_subsidy"),
                &["enterprise.receives_difficult_hire_si_subsidy"],
            ),
            cond(
                "si_reduced_or_deferred",
                M2,
                c,
                "企业处于社会保险费阶段性减免或缓缴期间",
                fact("enterprise.si_reduced_or_deferred"),
                &["enterprise.si_reduced_or_deferred"],
            ),
        ],
        amount: None,
        benefit: "社会保险补贴期限按减免、缓缴的月数顺延",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["顺延的具体月数按减免、缓缴的实际月份由经办核定"],
    }
}

fn onjob_training_hardship() -> Program {
    let mut conditions = hardship_conditions("stable_post_hardship");
    conditions.push(cond(
        "trains_staff",
        M2,
        "hardship_deadline",
        "企业组织职工开展在岗培训",
        gt(fact("enterprise.onjob_trainees"), int(0)),
        &["enterprise.onjob_trainees"],
    ));
    Program {
        id: "onjob_training_hardship",
        name: "困难企业职工在岗培训补贴",
        measures: vec![M2],
        applicant: Applicant::Enterprise,
        reference_date: None,
        conditions,
        amount: Some(Amount {
            expr: mul(param("onjob_training_hardship.per_trainee_yuan"), fact("enterprise.onjob_trainees")),
            kind: AmountKind::Maximum,
            text: "每名参训职工{onjob_training_hardship.per_trainee_yuan}（区级标准，待确认）× 参训人数",
        }),
        benefit: "困难企业开展职工在岗培训的补贴",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["培训合格的认定与补贴标准由区人社局确定（local decision / 待确认）"],
    }
}

fn wage_deposit_deferral() -> Program {
    let c = "wage_deposit_deferral";
    Program {
        id: "wage_deposit_deferral",
        name: "农民工工资保证金暂缓缴存",
        measures: vec![M2],
        applicant: Applicant::Project,
        reference_date: None,
        conditions: vec![
            window(M2, c, "在{wage_deposit_deferral.in_force}期间申请（2020年6月底前）", "wage_deposit_deferral.in_force", "as_of"),
            cond("construction_project", M2, c, "属于工程建设项目", fact("project.is_construction"), &["project.is_construction"]),
        ],
        amount: None,
        benefit: "允许暂缓缴存农民工工资保证金；支付记录良好的企业可免缴",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["“支付记录良好可免缴”需核实企业工资支付记录，由经办认定"],
    }
}
