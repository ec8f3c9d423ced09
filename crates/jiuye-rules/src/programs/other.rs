//! Programs of trainee hosts (（十四）), training (（十七）), students (（十八）) and service
//! agencies (（二十二）（二十七）).

use super::{Amount, AmountKind, Applicant, Exclusivity, Program, cond};
use crate::expr::{Expr, add, and, fact, ge, gt, if_, int, is_in, le, mul, or, param};

const M14: &str = "（十四）";
const M17: &str = "（十七）";
const M18: &str = "（十八）";
const M22: &str = "（二十二）";

pub(super) fn programs() -> Vec<Program> {
    vec![trainee_subsidy(), training_subsidy(), state_grant(), service_subsidy()]
}

/// Months the host is paid for: the agreed period when the trainee signed a labour contract
/// early (（十四）: "剩余期限见习补贴"), otherwise the months served (epidemic interruptions are
/// made up by serving longer, which the months served already count).
fn subsidised_months() -> Expr {
    if_(fact("trainee.signed_contract_before_end"), fact("trainee.planned_months"), fact("trainee.months_served"))
}

fn trainee_subsidy() -> Program {
    let retained_enough = and(vec![
        gt(fact("unit.trainees_finished"), int(0)),
        ge(fact("unit.trainees_retained"), mul(fact("unit.trainees_finished"), param("trainee_subsidy.retention_threshold"))),
    ]);
    Program {
        id: "trainee_subsidy",
        name: "就业见习补贴",
        measures: vec![M14],
        applicant: Applicant::Unit,
        reference_date: None,
        conditions: vec![
            cond("trainee_base", M14, "trainee_posts", "申请单位为就业见习单位", fact("unit.is_trainee_base"), &["unit.is_trainee_base"]),
            cond(
                "months_to_pay",
                M14,
                "trainee_early_contract",
                "有应补贴的见习月数（见习期未满签订劳动合同的，按剩余期限补足）",
                gt(subsidised_months(), int(0)),
                &["trainee.months_served", "trainee.planned_months", "trainee.signed_contract_before_end"],
            ),
        ],
        amount: Some(Amount {
            expr: mul(
                mul(param("trainee_subsidy.standard_monthly_yuan"), subsidised_months()),
                if_(retained_enough, add(int(1), param("trainee_subsidy.retention_bonus")), int(1)),
            ),
            kind: AmountKind::OneTime,
            text: "每月{trainee_subsidy.standard_monthly_yuan}（区级标准，待确认）× 补贴月数；见习后留用率达到{trainee_subsidy.retention_threshold}的，标准提高{trainee_subsidy.retention_bonus}",
        }),
        benefit: "见习单位补贴",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["因疫情中断的见习，相应延长补贴期限：按实际见习月数计算，由经办核实中断情况"],
    }
}

fn training_subsidy() -> Program {
    let completed = || fact("training.completed");
    Program {
        id: "training_subsidy",
        name: "职业培训补贴",
        measures: vec![M17],
        applicant: Applicant::Training,
        reference_date: None,
        conditions: vec![
            cond(
                "subsidised_course",
                M17,
                "training_general",
                "参加的是补贴性职业培训项目",
                fact("training.subsidised_course"),
                &["training.subsidised_course"],
            ),
            cond(
                "completed_or_prepay",
                M17,
                "training_prepay",
                "培训合格结业，或疫情防控期间（{epidemic.in_force}）由定点机构或企业申请预拨",
                or(vec![completed(), and(vec![fact("training.applicant_is_provider"), param("epidemic.in_force")])]),
                &["training.completed", "training.applicant_is_provider", "as_of"],
            ),
        ],
        amount: Some(Amount {
            expr: if_(
                completed(),
                param("training_subsidy.standard_yuan"),
                mul(param("training_subsidy.standard_yuan"), param("training_subsidy.prepay_ratio")),
            ),
            kind: AmountKind::Maximum,
            text: "每人每个项目{training_subsidy.standard_yuan}（区级标准，待确认）；预拨不高于{training_subsidy.prepay_ratio}",
        }),
        benefit: "职业培训补贴（可向定点机构或企业预拨）",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["各培训项目的具体补贴标准按目录确定；此处用统一的区级标准参数"],
    }
}

fn state_grant() -> Program {
    let c = "state_grant_who";
    Program {
        id: "state_grant",
        name: "国家助学金（中职）",
        measures: vec![M18],
        applicant: Applicant::Student,
        reference_date: None,
        conditions: vec![
            cond(
                "full_time_secondary_vocational",
                M18,
                c,
                "具有中等职业学校全日制学历教育正式学籍",
                fact("student.full_time_secondary_vocational"),
                &["student.full_time_secondary_vocational"],
            ),
            cond(
                "first_or_second_year",
                M18,
                c,
                "为一、二年级在校生",
                and(vec![ge(fact("student.grade"), int(1)), le(fact("student.grade"), int(2))]),
                &["student.grade"],
            ),
            cond(
                "agri_or_difficulty",
                M18,
                c,
                "就读涉农专业，或为非涉农专业家庭经济困难学生",
                or(vec![fact("student.agriculture_major"), fact("student.family_financial_difficulty")]),
                &["student.agriculture_major", "student.family_financial_difficulty"],
            ),
        ],
        amount: Some(Amount {
            expr: param("state_grant.amount_yuan"),
            kind: AmountKind::PerYear,
            text: "每生每年{state_grant.amount_yuan}",
        }),
        benefit: "国家助学金，发放至学生资助卡",
        exclusivity: Exclusivity::none(),
        not_encoded: vec![],
    }
}

fn service_subsidy() -> Program {
    let kind = || fact("agency.kind");
    Program {
        id: "service_subsidy",
        name: "就业创业服务补助",
        measures: vec![M22, "（二十七）"],
        applicant: Applicant::Agency,
        reference_date: None,
        conditions: vec![
            cond(
                "service_provided",
                "（二十二）（二十七）",
                "service_subsidy",
                "公共、经营性人力资源服务机构或行业协会为登记失业人员提供跟踪服务，或人力资源服务机构、劳务经纪人开展跨区域有组织劳务输出",
                or(vec![
                    and(vec![
                        is_in(kind(), &["public_service", "commercial_hr", "industry_association"]),
                        fact("agency.follow_up_services"),
                    ]),
                    and(vec![is_in(kind(), &["public_service", "commercial_hr", "labour_broker"]), fact("agency.cross_region_export")]),
                ]),
                &["agency.kind", "agency.follow_up_services", "agency.cross_region_export"],
            ),
            cond(
                "people_served",
                M22,
                "service_subsidy",
                "有经核实的服务人数",
                gt(fact("agency.people_served"), int(0)),
                &["agency.people_served"],
            ),
        ],
        amount: Some(Amount {
            expr: mul(param("service_subsidy.per_person_yuan"), fact("agency.people_served")),
            kind: AmountKind::Maximum,
            text: "按服务人数估算：每人{service_subsidy.per_person_yuan}（区级标准，待确认）",
        }),
        benefit: "就业创业服务补助",
        exclusivity: Exclusivity::none(),
        not_encoded: vec!["补助应综合服务人数、成效、成本确定；此处只按人数估算，成效与成本由区人社局核定（local decision / 待确认）"],
    }
}
