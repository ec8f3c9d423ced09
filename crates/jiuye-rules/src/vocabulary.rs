//! The fact vocabulary: every name a program may read, its type, unit and meaning in Chinese.
//!
//! One table for input facts (given by the caller) and derived facts (computed here, never
//! accepted as input, so an age can never disagree with the ID number). `docs/RULES.md` mirrors
//! this table; a test checks that every name here appears there.

use crate::value::ValueType;

/// Whether the caller gives a fact or the engine computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FactKind {
    Input,
    Derived { from: &'static [&'static str] },
}

/// One entry of the vocabulary.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct FactDef {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub ty: ValueType,
    /// Short Chinese label used inside explanations ("登记失业月数").
    pub label: &'static str,
    /// Unit appended to numbers in explanations ("个月", "人"); money and rates format themselves.
    pub unit: &'static str,
    pub meaning: &'static str,
    /// For enums: (code, Chinese label).
    pub values: &'static [(&'static str, &'static str)],
    #[serde(flatten)]
    pub kind: FactKind,
}

const fn input(name: &'static str, ty: ValueType, label: &'static str, unit: &'static str, meaning: &'static str) -> FactDef {
    FactDef { name, ty, label, unit, meaning, values: &[], kind: FactKind::Input }
}

const fn derived(
    name: &'static str,
    ty: ValueType,
    label: &'static str,
    unit: &'static str,
    meaning: &'static str,
    from: &'static [&'static str],
) -> FactDef {
    FactDef { name, ty, label, unit, meaning, values: &[], kind: FactKind::Derived { from } }
}

const fn with_values(mut d: FactDef, values: &'static [(&'static str, &'static str)]) -> FactDef {
    d.values = values;
    d
}

use ValueType::{Bool, Date, Decimal, Enum, IdNumber, Int, Money, Rate};

pub const SIZE_CLASSES: &[(&str, &str)] = &[("large", "大型"), ("medium", "中型"), ("small", "小型"), ("micro", "微型")];
pub const SEXES: &[(&str, &str)] = &[("male", "男"), ("female", "女")];
pub const RETIREMENT_CATEGORIES: &[(&str, &str)] =
    &[("cadre", "女干部（原法定退休年龄55周岁）"), ("worker", "女工人（原法定退休年龄50周岁）")];
pub const AGENCY_KINDS: &[(&str, &str)] = &[
    ("public_service", "公共就业人才服务机构"),
    ("commercial_hr", "经营性人力资源服务机构"),
    ("industry_association", "行业协会"),
    ("labour_broker", "劳务经纪人"),
];

/// Every fact, input and derived. Names are `subject.property`; subjects: person, business, hire,
/// enterprise, unit, trainee, training, student, project, agency.
pub static FACTS: &[FactDef] = &[
    // person
    input("person.id_number", IdNumber, "公民身份号码", "", "18位公民身份号码；出生日期、性别、年龄、法定退休日期由它推导"),
    with_values(
        input("person.retirement_category", Enum, "女职工退休类别", "", "仅女性需要：cadre 女干部（原55周岁）或 worker 女工人（原50周岁）"),
        RETIREMENT_CATEGORIES,
    ),
    input("person.registered_unemployed", Bool, "当前处于登记失业状态", "", "当前是否登记失业（二十）"),
    input(
        "person.registered_unemployed_since",
        Date,
        "本次连续登记失业起始日",
        "",
        "当前这一段连续登记失业的开始日期；中间就业后再登记的，从最近一次登记算起",
    ),
    input("person.employed", Bool, "已就业", "", "当前已就业（含灵活就业）"),
    input("person.stably_employed", Bool, "已实现稳定就业", "", "已实现稳定就业（签订劳动合同并参保等，由经办认定）"),
    input("person.is_returning_migrant_worker", Bool, "返乡农民工", "", "是返乡农民工"),
    input("person.is_first_business", Bool, "首次创业", "", "所办企业或个体工商户是本人首次创业"),
    input("person.is_key_group", Bool, "重点群体", "", "属于就业创业重点群体（高校毕业生、农民工、退役军人、就业困难人员等）"),
    input(
        "person.is_platform_worker_buying_tools",
        Bool,
        "平台就业人员购置生产经营必需工具",
        "",
        "平台就业人员，为购置生产经营必需工具申请贷款（十二）",
    ),
    input("person.has_startup_guarantee_loan", Bool, "已发放个人创业担保贷款", "", "本人已获发放个人创业担保贷款"),
    input("person.had_covid19", Bool, "借款人患新冠肺炎", "", "本人患新冠肺炎"),
    input("person.is_college_graduate", Bool, "高校毕业生", "", "是高校毕业生"),
    input("person.graduation_date", Date, "毕业（离校）日期", "", "高校毕业离校日期"),
    input("person.is_employment_difficult", Bool, "就业困难人员", "", "经认定的就业困难人员（十六）（二十四）"),
    input("person.insured_unemployed", Bool, "参保失业人员", "", "参加失业保险的失业人员"),
    input("person.entitled_to_unemployment_benefit", Bool, "符合领取失业保险金条件", "", "符合领取失业保险金条件"),
    input("person.unemployment_benefit_ended_on", Date, "失业保险金领取期满日", "", "领取失业保险金期满的日期（从未领取则不填）"),
    input("person.flexible_employment_si_paid", Bool, "灵活就业并缴纳社会保险费", "", "灵活就业且本人已缴纳社会保险费"),
    input("person.flexible_si_contributions_yuan", Money, "灵活就业社会保险费（月缴）", "", "灵活就业人员每月实际缴纳的社会保险费，元"),
    input("person.flexible_si_subsidy_ended_on", Date, "灵活就业社会保险补贴期满日", "", "享受灵活就业社会保险补贴政策期满的日期"),
    input("person.public_post_ended_on", Date, "公益性岗位政策期满日", "", "从事公益性岗位政策享受期满的日期"),
    input("person.on_temporary_public_post", Bool, "在临时性公益岗位", "", "已安置在消杀防疫、保洁环卫等临时性公益岗位"),
    input("person.temporary_public_post_started_on", Date, "临时性公益岗位上岗日", "", "临时性公益岗位的上岗日期"),
    input("person.willing_preparatory_training", Bool, "有意愿参加劳动预备制培训", "", "本人有意愿参加劳动预备制培训"),
    input("person.is_rural", Bool, "农村学员", "", "农村户籍学员"),
    input("person.from_poor_family", Bool, "困难家庭成员", "", "困难家庭成员"),
    // business
    input("business.started_on", Date, "开业日期", "", "所创办企业或个体工商户的开业（登记）日期"),
    input("business.operating_normally", Bool, "正常经营", "", "所创办的经营主体正常经营"),
    // hire
    input("hire.date", Date, "招用日期", "", "企业招用该人员的日期（劳动合同起始日）"),
    input("hire.contract_months", Int, "劳动合同期限", "个月", "劳动合同期限，月"),
    input("hire.social_insurance_paid", Bool, "企业按规定缴纳社会保险", "", "企业已按规定为该人员缴纳社会保险"),
    // enterprise
    with_values(
        input(
            "enterprise.size_class",
            Enum,
            "企业规模",
            "",
            "按工信部联企业〔2011〕300号划型：large/medium/small/micro（jiuye_domain::size_class::classify）",
        ),
        SIZE_CLASSES,
    ),
    input("enterprise.unemployment_insured", Bool, "参加失业保险", "", "企业依法参加失业保险并缴费"),
    input("enterprise.insured_staff", Int, "参保职工人数", "人", "当前参加失业保险的职工人数"),
    input(
        "enterprise.average_insured_staff",
        Decimal,
        "期间月平均参保职工人数",
        "人",
        "考核期内月平均参保职工人数（由月报计算，可有小数）",
    ),
    input("enterprise.staff_total", Int, "企业职工总数", "人", "企业现有职工总数"),
    input("enterprise.layoffs_in_period", Int, "期间裁员人数", "人", "考核期内裁减人数"),
    input(
        "enterprise.new_ui_claimants_in_period",
        Int,
        "期间新增申领失业保险金人数",
        "人",
        "考核期内该企业新增申领失业保险金人数（另一种裁员率口径）",
    ),
    input("enterprise.ui_contributions_last_year_yuan", Money, "上年度缴纳失业保险费", "", "企业及其职工上年度实际缴纳的失业保险费，元"),
    input("enterprise.monthly_si_contributions_yuan", Money, "月应缴社会保险费", "", "企业及其职工每月应缴纳的社会保险费，元"),
    input("enterprise.in_temporary_difficulty", Bool, "暂时生产经营困难", "", "企业面临暂时生产经营困难"),
    input("enterprise.recovery_expected", Bool, "恢复有望", "", "经认定恢复有望"),
    input("enterprise.qualifying_new_hires_this_year", Int, "当年新招用符合条件人员", "人", "当年新招用符合创业担保贷款条件的人员数"),
    input(
        "enterprise.receives_difficult_hire_si_subsidy",
        Bool,
        "享受吸纳就业困难人员社会保险补贴",
        "",
        "企业正在享受吸纳就业困难人员的社会保险补贴",
    ),
    input("enterprise.si_reduced_or_deferred", Bool, "享受社会保险费减免或缓缴", "", "企业处于社会保险费阶段性减免或缓缴期间"),
    input("enterprise.onjob_trainees", Int, "开展在岗培训职工人数", "人", "企业组织在岗培训的职工人数"),
    // trainee host unit and trainee
    input("unit.is_trainee_base", Bool, "见习单位", "", "经认定的就业见习单位（基地）"),
    input("unit.trainees_finished", Int, "见习期满人数", "人", "本期见习期满的见习人员数"),
    input("unit.trainees_retained", Int, "见习后留用人数", "人", "见习期满后留用的人数"),
    input("trainee.months_served", Int, "实际见习月数", "个月", "见习人员实际见习月数（因疫情中断后顺延的月份计入）"),
    input("trainee.planned_months", Int, "协议见习期限", "个月", "见习协议约定的见习月数"),
    input("trainee.signed_contract_before_end", Bool, "见习期未满签订劳动合同", "", "见习期未满即与见习单位签订劳动合同"),
    // training
    input("training.subsidised_course", Bool, "补贴性培训项目", "", "参加的是列入补贴目录的培训项目"),
    input("training.completed", Bool, "培训合格结业", "", "已完成培训并合格"),
    input("training.applicant_is_provider", Bool, "申请人为培训机构", "", "由职业技能培训定点机构或企业申请（可预拨）"),
    // student
    input("student.full_time_secondary_vocational", Bool, "中职全日制正式学籍", "", "具有中等职业学校全日制学历教育正式学籍"),
    input("student.grade", Int, "年级", "年级", "在校年级（1、2、3）"),
    input("student.agriculture_major", Bool, "涉农专业", "", "就读涉农专业"),
    input("student.family_financial_difficulty", Bool, "家庭经济困难", "", "家庭经济困难"),
    // project
    input("project.is_construction", Bool, "工程建设项目", "", "是工程建设项目"),
    // agency
    with_values(input("agency.kind", Enum, "机构类别", "", "服务机构类别"), AGENCY_KINDS),
    input("agency.follow_up_services", Bool, "提供登记失业人员跟踪服务", "", "为登记失业人员提供定期联系、职业介绍等服务（二十二）"),
    input("agency.cross_region_export", Bool, "开展跨区域有组织劳务输出", "", "开展跨区域有组织劳务输出（二十七）"),
    input("agency.people_served", Int, "服务人数", "人", "经核实的服务人数"),
    // derived
    derived("person.birth_date", Date, "出生日期", "", "由公民身份号码第7–14位推导", &["person.id_number"]),
    with_values(derived("person.sex", Enum, "性别", "", "由公民身份号码第17位推导（奇数为男）", &["person.id_number"]), SEXES),
    derived("person.age", Int, "年龄", "周岁", "在评估日的周岁年龄", &["person.id_number"]),
    derived(
        "person.statutory_retirement_age_months",
        Int,
        "法定退休年龄",
        "个月",
        "法定退休年龄（以月计）：2025年前男60、女干部55、女工人50周岁；2025年起按渐进式延迟法定退休年龄决定附表",
        &["person.id_number", "person.retirement_category"],
    ),
    derived(
        "person.statutory_retirement_date",
        Date,
        "法定退休日期",
        "",
        "出生日期加法定退休年龄",
        &["person.id_number", "person.retirement_category"],
    ),
    derived(
        "person.registered_unemployed_months",
        Int,
        "连续登记失业月数",
        "个月",
        "本次连续登记失业起始日至评估日的足月数",
        &["person.registered_unemployed_since"],
    ),
    derived(
        "hire.person_registered_unemployed_months",
        Int,
        "招用前连续登记失业月数",
        "个月",
        "本次连续登记失业起始日至招用日期的足月数",
        &["person.registered_unemployed_since", "hire.date"],
    ),
    derived("person.months_since_graduation", Int, "离校月数", "个月", "毕业（离校）日期至评估日的足月数", &["person.graduation_date"]),
    derived("business.months_operating", Int, "经营月数", "个月", "开业日期至评估日的足月数", &["business.started_on"]),
    derived(
        "person.months_on_temporary_public_post",
        Int,
        "临时性公益岗位在岗月数",
        "个月",
        "上岗日期至评估日的足月数",
        &["person.temporary_public_post_started_on"],
    ),
    derived(
        "enterprise.layoff_rate",
        Rate,
        "裁员率",
        "",
        "按参数 layoff_rate.definition 的口径计算：默认 期间裁员人数 ÷ 期间月平均参保职工人数",
        &["enterprise.layoffs_in_period", "enterprise.new_ui_claimants_in_period", "enterprise.average_insured_staff"],
    ),
];

/// Looks up a fact by name.
pub fn fact(name: &str) -> Option<&'static FactDef> {
    FACTS.iter().find(|f| f.name == name)
}

/// The interned `&'static str` for an enum code, so values compare by content and live forever.
pub(crate) fn enum_code(def: &FactDef, code: &str) -> Option<&'static str> {
    def.values.iter().find(|(c, _)| *c == code).map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_derived_inputs_exist() {
        for (i, f) in FACTS.iter().enumerate() {
            assert!(FACTS.iter().skip(i + 1).all(|g| g.name != f.name), "duplicate {}", f.name);
            if let FactKind::Derived { from } = f.kind {
                for n in from {
                    assert!(fact(n).is_some_and(|d| d.kind == FactKind::Input), "{} reads unknown {n}", f.name);
                }
            }
            assert_eq!(f.ty == ValueType::Enum, !f.values.is_empty(), "{} enum values", f.name);
        }
    }
}
