//! Programs a person applies for: startup support (（十）（十一）（十二）), unemployment-insurance
//! benefits (（二十三）), flexible-employment and public-post support (（十二）（十三）（十六）
//! （二十四）), and preparatory training (（十八）).

use super::{Amount, AmountKind, Applicant, Exclusivity, GrantScope, Program, cond, window};
use crate::expr::{Expr, add, add_months_expr, and, fact, ge, gt, if_, int, le, lt, mul, not, or, param};

const M10: &str = "（十）";
const M11: &str = "（十一）";
const M12: &str = "（十二）";
const M13: &str = "（十三）";
const M18: &str = "（十八）";
const M23: &str = "（二十三）";
const M24: &str = "（二十四）";

pub(super) fn programs() -> Vec<Program> {
    vec![
        startup_returnee(),
        startup_loan(),
        loan_extension(),
        unemployment_supplement(),
        benefit_to_retirement(),
        flexible_si_subsidy(),
        flexible_si_extension(),
        public_post_extension(),
        temp_public_post(),
        preparatory_training(),
    ]
}

fn startup_returnee() -> Program {
    let c = "startup_returnee";
    Program {
        id: "startup_returnee",
        name: "一次性创业补贴（返乡农民工）",
        measures: vec![M11],
        applicant: Applicant::Person,
        reference_date: None,
        conditions: vec![
            cond(
                "returning_migrant",
                M11,
                c,
                "申请人是返乡农民工",
                fact("person.is_returning_migrant_worker"),
                &["person.is_returning_migrant_worker"],
            ),
            cond("first_business", M11, c, "属于首次创业", fact("person.is_first_business"), &["person.is_first_business"]),
            cond("operating_normally", M11, c, "经营主体正常经营", fact("business.operating_normally"), &["business.operating_normally"]),
            cond(
                "operated_6_months",
                M11,
                c,
                "已正常经营满{startup_returnee.min_operating_months}个月",
                ge(fact("business.months_operating"), param("startup_returnee.min_operating_months")),
                &["business.months_operating"],
            ),
        ],
        amount: Some(Amount {
            expr: param("startup_returnee.amount_yuan"),
            kind: AmountKind::OneTime,
            text: "每人{startup_returnee.amount_yuan}",
        }),
        benefit: "一次性创业补贴",
        exclusivity: Exclusivity {
            once: true,
            exclusive_with: vec![],
            scope: GrantScope::Ever,
            source: "一次性补贴，同一人只享受一次（（十一）“首次创业”）",
        },
        not_encoded: vec![],
    }
}

fn startup_loan() -> Program {
    Program {
        id: "startup_loan",
        name: "创业担保贷款",
        measures: vec![M11, M12],
        applicant: Applicant::Person,
        reference_date: None,
        conditions: vec![cond(
            "eligible_entrepreneur",
            "（十一）（十二）",
            "startup_loan_ceiling",
            "属于重点群体创业者，或为购置生产经营必需工具的平台就业人员",
            or(vec![fact("person.is_key_group"), fact("person.is_platform_worker_buying_tools")]),
            &["person.is_key_group", "person.is_platform_worker_buying_tools"],
        )],
        amount: Some(Amount {
            expr: param("startup_loan.ceiling_yuan"),
            kind: AmountKind::LoanCeiling,
            text: "担保贷款额度最高{startup_loan.ceiling_yuan}，财政贴息",
        }),
        benefit: "创业担保贷款及贴息，受疫情影响的重点群体优先",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["“符合条件的创业者”的其他条件（信用、经营主体）及银行、担保机构审查不在本规则内"],
    }
}

fn loan_extension() -> Program {
    let c = "loan_extension";
    Program {
        id: "loan_extension",
        name: "创业担保贷款展期",
        measures: vec![M10],
        applicant: Applicant::Person,
        reference_date: None,
        conditions: vec![
            window(M10, c, "在疫情防控期间申请（{epidemic.in_force}）", "epidemic.in_force", "as_of"),
            cond(
                "has_loan",
                M10,
                c,
                "已发放个人创业担保贷款",
                fact("person.has_startup_guarantee_loan"),
                &["person.has_startup_guarantee_loan"],
            ),
            cond("had_covid19", M10, c, "借款人患新冠肺炎", fact("person.had_covid19"), &["person.had_covid19"]),
        ],
        amount: None,
        benefit: "可向贷款银行申请展期还款，展期期限原则上不超过{loan_extension.max_months}个月，财政部门继续贴息",
        exclusivity: Exclusivity::none(),
        not_encoded: vec![],
    }
}

/// The unemployment benefit has run out by the decision date. Only someone entitled to it ever
/// received it, so a person not entitled has not "run out" — whatever the end date says, and
/// without one (the vocabulary leaves it empty for those who never received the benefit): that is
/// false, not unknown, and the person is decided by the other branches.
fn benefit_ended() -> Expr {
    and(vec![fact("person.entitled_to_unemployment_benefit"), le(fact("person.unemployment_benefit_ended_on"), Expr::AsOf)])
}

fn unemployment_supplement() -> Program {
    let c = "unemployment_supplement";
    Program {
        id: "unemployment_supplement",
        name: "失业补助金",
        measures: vec![M23],
        applicant: Applicant::Person,
        reference_date: None,
        conditions: vec![cond(
            "benefit_expired_or_not_entitled",
            M23,
            c,
            "领取失业保险金期满仍未就业，或为不符合领取失业保险金条件的参保失业人员",
            or(vec![
                and(vec![benefit_ended(), not(fact("person.employed"))]),
                and(vec![fact("person.insured_unemployed"), not(fact("person.entitled_to_unemployment_benefit"))]),
            ]),
            &[
                "person.unemployment_benefit_ended_on",
                "person.employed",
                "person.insured_unemployed",
                "person.entitled_to_unemployment_benefit",
            ],
        )],
        amount: Some(Amount {
            expr: mul(param("unemployment_supplement.ratio"), param("ui.benefit_monthly_yuan")),
            kind: AmountKind::Monthly,
            text: "每月不高于当地失业保险金（{ui.benefit_monthly_yuan}）的{unemployment_supplement.ratio}",
        }),
        benefit: "发放{unemployment_supplement.months}个月的失业补助金",
        exclusivity: Exclusivity {
            once: true,
            exclusive_with: vec!["benefit_to_retirement"],
            scope: GrantScope::Ever,
            source: "失业补助金发放一次（6个月），与延续发放失业保险金不同时享受：local decision / 待确认",
        },
        not_encoded: vec![],
    }
}

fn benefit_to_retirement() -> Program {
    let c = "benefit_to_retirement";
    let retirement = || fact("person.statutory_retirement_date");
    Program {
        id: "benefit_to_retirement",
        name: "失业保险金延续发放至法定退休年龄",
        measures: vec![M23],
        applicant: Applicant::Person,
        reference_date: None,
        conditions: vec![
            cond("benefit_expired", M23, c, "领取失业保险金已期满", benefit_ended(), &["person.unemployment_benefit_ended_on"]),
            cond("still_unemployed", M23, c, "仍未就业", not(fact("person.employed")), &["person.employed"]),
            cond(
                "under_one_year_to_retirement",
                M23,
                c,
                "距法定退休年龄不足{benefit_to_retirement.max_months_to_retirement}个月（1年）",
                and(vec![
                    lt(Expr::AsOf, retirement()),
                    gt(add_months_expr(Expr::AsOf, param("benefit_to_retirement.max_months_to_retirement")), retirement()),
                ]),
                &["person.statutory_retirement_age_months", "person.statutory_retirement_date"],
            ),
        ],
        amount: Some(Amount {
            expr: param("ui.benefit_monthly_yuan"),
            kind: AmountKind::Monthly,
            text: "按月继续发放失业保险金（{ui.benefit_monthly_yuan}）",
        }),
        benefit: "继续发放失业保险金至法定退休年龄",
        exclusivity: Exclusivity {
            once: false,
            exclusive_with: vec!["unemployment_supplement"],
            scope: GrantScope::Ever,
            source: "与失业补助金不同时享受：local decision / 待确认",
        },
        not_encoded: vec!["特殊工种提前退休、弹性提前或延迟退休不在本规则内"],
    }
}

fn flexible_si_subsidy() -> Program {
    let c = "flexible_si_subsidy";
    Program {
        id: "flexible_si_subsidy",
        name: "灵活就业社会保险补贴",
        measures: vec![M12],
        applicant: Applicant::Person,
        reference_date: None,
        conditions: vec![
            cond(
                "si_paid",
                M12,
                c,
                "灵活就业后缴纳社会保险费",
                fact("person.flexible_employment_si_paid"),
                &["person.flexible_employment_si_paid"],
            ),
            cond(
                "target_group",
                M12,
                c,
                "为就业困难人员，或离校{flexible_si_subsidy.graduate_months}个月（2年）内未就业的高校毕业生",
                or(vec![
                    fact("person.is_employment_difficult"),
                    and(vec![
                        fact("person.is_college_graduate"),
                        ge(fact("person.months_since_graduation"), int(0)),
                        lt(fact("person.months_since_graduation"), param("flexible_si_subsidy.graduate_months")),
                    ]),
                ]),
                &["person.is_employment_difficult", "person.is_college_graduate", "person.months_since_graduation"],
            ),
        ],
        amount: Some(Amount {
            expr: mul(param("flexible_si_subsidy.share"), fact("person.flexible_si_contributions_yuan")),
            kind: AmountKind::Monthly,
            text: "每月按实际缴费的{flexible_si_subsidy.share}补贴（区级比例，待确认）",
        }),
        benefit: "灵活就业社会保险补贴",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["补贴期限（通常不超过3年，毕业生不超过2年）按现行规定由经办核定"],
    }
}

#[expect(clippy::too_many_arguments, reason = "the two extension programs differ in exactly these texts and names")]
fn extension(
    id: &'static str,
    name: &'static str,
    measure: &'static str,
    ended_on: &'static str,
    in_force: &'static str,
    window_text: &'static str,
    difficult_only: bool,
    benefit: &'static str,
) -> Program {
    let mut conditions = vec![
        window(measure, id, window_text, in_force, ended_on),
        cond("period_ended", measure, id, "原政策享受期已满", le(fact(ended_on), Expr::AsOf), &[ended_on]),
        cond("not_stably_employed", measure, id, "仍未实现稳定就业", not(fact("person.stably_employed")), &["person.stably_employed"]),
    ];
    if difficult_only {
        conditions.insert(
            1,
            cond(
                "employment_difficult",
                measure,
                id,
                "为就业困难人员",
                fact("person.is_employment_difficult"),
                &["person.is_employment_difficult"],
            ),
        );
    }
    Program {
        id,
        name,
        measures: vec![measure],
        applicant: Applicant::Person,
        reference_date: Some(ended_on),
        conditions,
        amount: None,
        benefit,
        exclusivity: Exclusivity { once: true, exclusive_with: vec![], scope: GrantScope::Ever, source: "延长一次（1年）" },
        not_encoded: vec![],
    }
}

fn flexible_si_extension() -> Program {
    extension(
        "flexible_si_extension",
        "灵活就业社会保险补贴期限延长",
        M12,
        "person.flexible_si_subsidy_ended_on",
        "flexible_si_extension.in_force",
        "补贴期满日在实施期限内（{flexible_si_extension.in_force}）",
        true,
        "灵活就业社会保险补贴享受期限延长{flexible_si_extension.months}个月",
    )
}

fn public_post_extension() -> Program {
    extension(
        "public_post_extension",
        "公益性岗位政策享受期限延长",
        M13,
        "person.public_post_ended_on",
        "public_post_extension.in_force",
        "公益性岗位期满日在实施期限内（{public_post_extension.in_force}）",
        false,
        "公益性岗位政策享受期限延长{public_post_extension.months}个月",
    )
}

fn temp_public_post() -> Program {
    let c = "temp_public_post";
    Program {
        id: "temp_public_post",
        name: "临时性公益岗位补贴",
        measures: vec![M24, "（十六）"],
        applicant: Applicant::Person,
        reference_date: None,
        conditions: vec![
            cond(
                "hard_to_employ",
                M24,
                "public_post_placement",
                "为通过市场渠道确实难以就业的困难人员",
                fact("person.is_employment_difficult"),
                &["person.is_employment_difficult"],
            ),
            cond(
                "on_post",
                M24,
                c,
                "已安置在临时性公益岗位",
                fact("person.on_temporary_public_post"),
                &["person.on_temporary_public_post"],
            ),
            cond(
                "within_subsidy_period",
                M24,
                c,
                "补贴期限未超过{temp_public_post.max_months}个月",
                lt(fact("person.months_on_temporary_public_post"), param("temp_public_post.max_months")),
                &["person.months_on_temporary_public_post"],
            ),
        ],
        amount: Some(Amount {
            expr: param("temp_public_post.post_subsidy_monthly_yuan"),
            kind: AmountKind::Monthly,
            text: "岗位补贴每月{temp_public_post.post_subsidy_monthly_yuan}（区级标准，待确认），社会保险补贴按实际缴费另计",
        }),
        benefit: "岗位补贴和社会保险补贴，最长{temp_public_post.max_months}个月",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["社会保险补贴按实际缴费核定，未计入金额"],
    }
}

fn preparatory_training() -> Program {
    let c = "preparatory_training";
    Program {
        id: "preparatory_training",
        name: "劳动预备制培训补贴",
        measures: vec![M18],
        applicant: Applicant::Person,
        reference_date: None,
        conditions: vec![
            window(M18, c, "在实施期限内（{preparatory_training.in_force}）", "preparatory_training.in_force", "as_of"),
            cond(
                "registered_unemployed",
                M18,
                c,
                "为登记失业人员",
                fact("person.registered_unemployed"),
                &["person.registered_unemployed"],
            ),
            cond(
                "age_20_or_under",
                M18,
                c,
                "{preparatory_training.max_age}岁以下",
                le(fact("person.age"), param("preparatory_training.max_age")),
                &["person.age"],
            ),
            cond(
                "willing",
                M18,
                c,
                "本人有意愿参加",
                fact("person.willing_preparatory_training"),
                &["person.willing_preparatory_training"],
            ),
        ],
        amount: Some(Amount {
            expr: add(
                param("preparatory_training.training_subsidy_yuan"),
                if_(
                    or(vec![fact("person.is_rural"), fact("person.from_poor_family")]),
                    param("preparatory_training.living_allowance_yuan"),
                    int(0),
                ),
            ),
            kind: AmountKind::Maximum,
            text: "职业培训补贴{preparatory_training.training_subsidy_yuan}，农村学员和困难家庭成员另加生活费补贴{preparatory_training.living_allowance_yuan}（区级标准，待确认）",
        }),
        benefit: "纳入劳动预备制培训，给予职业培训补贴和生活费补贴",
        exclusivity: Exclusivity::none(),
        not_encoded: vec![],
    }
}
