"""Three jiuye programs encoded in OpenFisca (issue 3's benchmark).

A minimal country package: two entities (`person`, and the group entity `enterprise` whose
members are persons), the parameters of `parameters/` (transcribed from
crates/jiuye-rules/params/default.toml), and vectorised formulas for

  hire_unemployed          （十）   crates/jiuye-rules/src/programs/enterprise.rs
  stable_post_refund       （二）   crates/jiuye-rules/src/programs/enterprise.rs
  unemployment_supplement  （二十三） crates/jiuye-rules/src/programs/person.rs

one boolean variable per jiuye condition (same ids), `<program>_eligible` and
`<program>_amount_fen`. Formulas are computed for a DAY period: the evaluation date `as_of`.

Where the encoding has to differ from jiuye, and why the eligible sets can still be equal:

* OpenFisca has no "unknown": jiuye's three-valued logic gives `needs_facts` where a fact is
  missing, OpenFisca gives a value. Each input's default (or the sentinel the runner writes for an
  empty cell) is chosen so that the condition reading it is *false*: no hire -> hire date
  1970-01-01 (outside every window); not registered -> registered since 2999-12-31; benefit never
  received -> ended on 2999-12-31; booleans -> false; size class -> `unknown`. So a jiuye
  `needs_facts` becomes an OpenFisca "not eligible", and eligible sets compare exactly. Facts that
  jiuye reads under a negation (`person.employed`, `person.entitled_to_unemployment_benefit`) or in
  an amount (`enterprise.ui_contributions_last_year_yuan`) and the layoff counts are never missing
  in the generated population, because no default could make them "unknown".
* OpenFisca floats are float32 (`value_type = float`). Money is therefore kept in fen as int32 and
  rates are compared by exact integer cross-multiplication (parameters converted to parts per
  million), as jiuye's exact decimals do.
* `hire_unemployed` is judged at `hire.date`: its parameters are looked up at each row's hire date
  (the parameter's history as a step function of the date, `searchsorted`), not at the period.
"""

import datetime
import os
from fractions import Fraction

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

PARAMETERS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parameters")

NEVER = datetime.date(2999, 12, 31)
NEVER64 = np.datetime64("2999-12-31")
NO_HIRE64 = np.datetime64("1970-01-01")

Person = build_entity(key="person", plural="persons", label="个人", is_person=True)
Enterprise = build_entity(
    key="enterprise",
    plural="enterprises",
    label="企业",
    roles=[{"key": "employee", "plural": "employees", "label": "职工"}],
)


class SizeClass(Enum):
    unknown = "未知"
    large = "大型"
    medium = "中型"
    small = "小型"
    micro = "微型"


class GrantProgram(Enum):
    none = "无"
    hire_unemployed = "一次性吸纳就业补贴"
    hire_graduate = "一次性吸纳就业补贴（高校毕业生）"
    unemployment_supplement = "失业补助金"
    benefit_to_retirement = "失业保险金延续发放"
    stable_post_refund = "失业保险稳岗返还"
    stable_post_refund_hardship = "困难企业稳岗返还"
    other = "其他"


# ---------------------------------------------------------------- date helpers (vectorised)


def month_parts(d):
    """datetime64[D] -> (year, month 1..12, day 1..31) as int64 arrays. Computed once per day of
    the range the column spans, then gathered (a column of 1,000,000 dates spans a few
    thousand days; numpy's datetime64[M]/[Y] casts per element are several times slower)."""
    days = d.astype(np.int64)
    if days.size == 0:
        return days, days, days
    lo, hi = int(days.min()), int(days.max())
    if hi - lo > 4 * days.size:
        return civil_from_days(days)
    y, mo, day = civil_from_days(np.arange(lo, hi + 1, dtype=np.int64))
    i = days - lo
    return y[i], mo[i], day[i]


def civil_from_days(days):
    """Days since 1970-01-01 -> (year, month, day): H. Hinnant's civil_from_days, vectorised."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    mo = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (mo <= 2)
    return y, mo, day


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def month_length(y, mo):
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    return _MONTH_DAYS[mo] + ((mo == 2) & leap)


def full_months_between(start, end):
    """Largest n with add_months(start, n) <= end, month ends clamped (jiuye_rules::dates)."""
    fy, fm, fd = month_parts(start)
    ty, tm, td = month_parts(end)
    n = (ty - fy) * 12 + (tm - fm)
    landed_day = np.minimum(fd, month_length(ty, tm))  # add_months(start, n) falls in end's month
    return n - (landed_day > td)


def param_at_dates(population, path, dates, missing, dtype, convert=lambda v: v):
    """Per-row value of the parameter `path` at each row's own date: the parameter's history is a
    step function of the date (the value of the latest start on or before the date, as
    `Parameter.get_at_instant`), looked up for all rows at once with `searchsorted`. `missing`
    stands for "no value at that date" (before the first start, or a null value)."""
    node = population.simulation.tax_benefit_system.parameters
    for key in path.split("."):
        node = getattr(node, key)
    history = sorted((np.datetime64(v.instant_str, "D"), v.value) for v in node.values_list)
    starts = np.array([h[0] for h in history], dtype="datetime64[D]")
    values = np.array([missing] + [missing if h[1] is None else convert(h[1]) for h in history], dtype=dtype)
    return values[np.searchsorted(starts, dates, side="right")]


def or_none(lookup):
    """A parameter value, or None where it has no value at that date (jiuye: missing parameter)."""
    try:
        return lookup()
    except ParameterNotFoundError:
        return None


def exact(x):
    """A parameter value (float/int from YAML) as an exact fraction of its decimal text."""
    return Fraction(str(x))


def to_fen(yuan):
    """A yuan parameter value as integer fen, rounded half away from zero (non-negative)."""
    return int((exact(yuan) * 100 * 2 + 1) // 2)


def yes(shape):
    return np.ones(shape, dtype=bool)


# ---------------------------------------------------------------- inputs: persons (and hires)


class registered_unemployed_since(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = datetime.date
    entity = Person
    default_value = NEVER
    label = "person.registered_unemployed_since（未登记：2999-12-31）"


class hire_date(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = datetime.date
    entity = Person
    label = "hire.date（无招用：1970-01-01）"


class hire_contract_months(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = int
    entity = Person
    label = "hire.contract_months"


class hire_social_insurance_paid(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = bool
    entity = Person
    label = "hire.social_insurance_paid"


class employed(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = bool
    entity = Person
    label = "person.employed"


class insured_unemployed(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = bool
    entity = Person
    label = "person.insured_unemployed"


class entitled_to_unemployment_benefit(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = bool
    entity = Person
    label = "person.entitled_to_unemployment_benefit"


class unemployment_benefit_ended_on(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = datetime.date
    entity = Person
    default_value = NEVER
    label = "person.unemployment_benefit_ended_on（从未领取：2999-12-31）"


class person_prior_grant_program(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = Enum
    possible_values = GrantProgram
    default_value = GrantProgram.none
    entity = Person
    label = "earlier grant to the person: program"


class person_prior_grant_date(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = datetime.date
    entity = Person
    default_value = NEVER
    label = "earlier grant to the person: date"


# ---------------------------------------------------------------- inputs: enterprises


class size_class(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = Enum
    possible_values = SizeClass
    default_value = SizeClass.unknown
    entity = Enterprise
    label = "enterprise.size_class"


class unemployment_insured(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = bool
    entity = Enterprise
    label = "enterprise.unemployment_insured"


class insured_staff(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = int
    entity = Enterprise
    label = "enterprise.insured_staff"


class average_insured_staff_hundredths(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = int
    entity = Enterprise
    label = "enterprise.average_insured_staff × 100 (exact)"


class staff_total(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = int
    entity = Enterprise
    label = "enterprise.staff_total"


class layoffs_in_period(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = int
    entity = Enterprise
    label = "enterprise.layoffs_in_period"


class ui_contributions_last_year_fen(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = int
    entity = Enterprise
    label = "enterprise.ui_contributions_last_year_yuan × 100 (fen)"


class enterprise_prior_grant_program(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = Enum
    possible_values = GrantProgram
    default_value = GrantProgram.none
    entity = Enterprise
    label = "earlier grant to the enterprise: program"


class enterprise_prior_grant_date(Variable):
    definition_period = DateUnit.ETERNITY
    value_type = datetime.date
    entity = Enterprise
    default_value = NEVER
    label = "earlier grant to the enterprise: date"


# ---------------------------------------------------------------- hire_unemployed （十）


def as_of(period):
    return np.datetime64(str(period.start), "D")


class hire_person_registered_unemployed_months(Variable):
    definition_period = DateUnit.DAY
    value_type = int
    entity = Person
    label = "hire.person_registered_unemployed_months: 本次连续登记失业起始日至招用日期的足月数"

    def formula(person, period, parameters):
        return full_months_between(person("registered_unemployed_since", period), person("hire_date", period))


class hire_unemployed_in_window(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "in_window: 招用日期在实施期限内（按招用日期）"

    def formula(person, period, parameters):
        return param_at_dates(person, "hire_unemployed.in_force", person("hire_date", period), False, bool)


class hire_unemployed_registered_6_months(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "registered_6_months: 招用前已连续登记失业满6个月"

    def formula(person, period, parameters):
        never = np.iinfo(np.int64).max
        minimum = param_at_dates(person, "hire_unemployed.min_registered_months", person("hire_date", period), never, np.int64)
        return person("hire_person_registered_unemployed_months", period) >= minimum


class hire_unemployed_contract_one_year(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "contract_one_year: 签订12个月以上劳动合同"

    def formula(person, period, parameters):
        never = np.iinfo(np.int64).max
        minimum = param_at_dates(person, "hire_unemployed.min_contract_months", person("hire_date", period), never, np.int64)
        return person("hire_contract_months", period) >= minimum


class hire_unemployed_social_insurance_paid(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "social_insurance_paid: 企业按规定为其缴纳社会保险"

    def formula(person, period, parameters):
        return person("hire_social_insurance_paid", period)


def person_grant_blocks(person, period, programs):
    """An earlier grant dated on or before as_of of one of `programs` (scope: Ever)."""
    program = person("person_prior_grant_program", period)
    dated = person("person_prior_grant_date", period) <= as_of(period)
    return dated & np.isin(program, [GrantProgram[p].index for p in programs])


class hire_unemployed_no_blocking_grant(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "no_blocking_grant: once, exclusive with hire_graduate, scope Ever"

    def formula(person, period, parameters):
        return ~person_grant_blocks(person, period, ["hire_unemployed", "hire_graduate"])


class hire_unemployed_hired_by_as_of(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "hired_by_as_of: 招用已经发生（招用日期不晚于判断日期）"

    def formula(person, period, parameters):
        return person("hire_date", period) <= as_of(period)


class hire_unemployed_eligible(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "一次性吸纳就业补贴：符合条件"

    def formula(person, period, parameters):
        return (
            person("hire_unemployed_in_window", period)
            & person("hire_unemployed_hired_by_as_of", period)
            & person("hire_unemployed_registered_6_months", period)
            & person("hire_unemployed_contract_one_year", period)
            & person("hire_unemployed_social_insurance_paid", period)
            & person("hire_unemployed_no_blocking_grant", period)
        )


class hire_unemployed_amount_fen(Variable):
    definition_period = DateUnit.DAY
    value_type = int
    entity = Person
    label = "一次性吸纳就业补贴金额（分）: 每招用1人 amount_yuan, at hire.date"

    def formula(person, period, parameters):
        eligible = person("hire_unemployed_eligible", period)
        fen = param_at_dates(person, "hire_unemployed.amount_yuan", person("hire_date", period), 0, np.int64, to_fen)
        return np.where(eligible, fen, 0)


# ---------------------------------------------------------------- stable_post_refund （二）


class stable_post_refund_in_window(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Enterprise
    label = "in_window: 在疫情防控期间申请"

    def formula(enterprise, period, parameters):
        return yes(enterprise.count) & bool(parameters(period).stable_post_refund.in_force)


class stable_post_refund_sme(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Enterprise
    label = "sme: 申请企业为中小微企业"

    def formula(enterprise, period, parameters):
        size = enterprise("size_class", period)
        return (size == SizeClass.medium) | (size == SizeClass.small) | (size == SizeClass.micro)


class stable_post_refund_insured(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Enterprise
    label = "insured: 企业参加失业保险"

    def formula(enterprise, period, parameters):
        return enterprise("unemployment_insured", period)


class stable_post_refund_layoff_rate(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Enterprise
    label = "layoff_rate: 裁员率不高于控制目标，或参保职工30人（含）以下且裁员不超过职工总数的20%"

    def formula(enterprise, period, parameters):
        p = parameters(period)
        if p.layoff_rate.definition != "layoffs_over_average_insured":
            raise NotImplementedError("only layoff_rate.definition = layoffs_over_average_insured is encoded")
        layoffs = enterprise("layoffs_in_period", period).astype(np.int64)
        avg_h = enterprise("average_insured_staff_hundredths", period).astype(np.int64)
        # rate = layoffs / (avg_h / 100) <= target  <=>  layoffs * 100 * 1e6 <= target_ppm * avg_h
        target = or_none(lambda: p.stable_post_refund.control_target)
        if target is None:
            within_target = np.zeros(enterprise.count, dtype=bool)
        else:
            target_ppm = exact(target) * 1_000_000
            assert target_ppm.denominator == 1
            within_target = np.where(
                avg_h > 0,
                layoffs * 100 * 1_000_000 <= int(target_ppm) * avg_h,
                layoffs == 0,  # 0 of 0 is a rate of 0; layoffs of 0 staff: undefined (jiuye: unknown)
            )
        ratio_ppm = exact(p.stable_post_refund.small_layoff_ratio) * 1_000_000
        assert ratio_ppm.denominator == 1
        small = (enterprise("insured_staff", period) <= p.stable_post_refund.small_insured_threshold) & (
            layoffs * 1_000_000 <= enterprise("staff_total", period).astype(np.int64) * int(ratio_ppm)
        )
        return within_target | small


class stable_post_refund_no_blocking_grant(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Enterprise
    label = "no_blocking_grant: once, exclusive with stable_post_refund_hardship, scope SameYear"

    def formula(enterprise, period, parameters):
        program = enterprise("enterprise_prior_grant_program", period)
        date = enterprise("enterprise_prior_grant_date", period)
        day = as_of(period)
        same_year = date.astype("datetime64[Y]") == day.astype("datetime64[Y]")  # reference date = as_of
        blocks = (date <= day) & same_year & np.isin(
            program, [GrantProgram.stable_post_refund.index, GrantProgram.stable_post_refund_hardship.index]
        )
        return ~blocks


class stable_post_refund_eligible(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Enterprise
    label = "失业保险稳岗返还：符合条件"

    def formula(enterprise, period, parameters):
        return (
            enterprise("stable_post_refund_in_window", period)
            & enterprise("stable_post_refund_sme", period)
            & enterprise("stable_post_refund_insured", period)
            & enterprise("stable_post_refund_layoff_rate", period)
            & enterprise("stable_post_refund_no_blocking_grant", period)
        )


class stable_post_refund_amount_fen(Variable):
    definition_period = DateUnit.DAY
    value_type = int
    entity = Enterprise
    label = "稳岗返还最高金额（分）: refund_ratio × 上年度缴纳失业保险费, rounded half away from zero"

    def formula(enterprise, period, parameters):
        eligible = enterprise("stable_post_refund_eligible", period)
        ratio = or_none(lambda: parameters(period).stable_post_refund.refund_ratio)
        if ratio is None:
            return np.zeros(enterprise.count, dtype=np.int64)
        r = exact(ratio)
        fen = enterprise("ui_contributions_last_year_fen", period).astype(np.int64)
        amount = (fen * r.numerator * 2 + r.denominator) // (2 * r.denominator)  # non-negative: half up
        return np.where(eligible, amount, 0)


# ---------------------------------------------------------------- unemployment_supplement （二十三）


class unemployment_supplement_benefit_expired_or_not_entitled(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "benefit_expired_or_not_entitled: 领取失业保险金期满仍未就业，或为不符合领取条件的参保失业人员"

    def formula(person, period, parameters):
        expired = person("entitled_to_unemployment_benefit", period) & (person("unemployment_benefit_ended_on", period) <= as_of(period))
        return (expired & ~person("employed", period)) | (
            person("insured_unemployed", period) & ~person("entitled_to_unemployment_benefit", period)
        )


class unemployment_supplement_no_blocking_grant(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "no_blocking_grant: once, exclusive with benefit_to_retirement, scope Ever"

    def formula(person, period, parameters):
        return ~person_grant_blocks(person, period, ["unemployment_supplement", "benefit_to_retirement"])


class unemployment_supplement_eligible(Variable):
    definition_period = DateUnit.DAY
    value_type = bool
    entity = Person
    label = "失业补助金：符合条件"

    def formula(person, period, parameters):
        return person("unemployment_supplement_benefit_expired_or_not_entitled", period) & person(
            "unemployment_supplement_no_blocking_grant", period
        )


class unemployment_supplement_amount_fen(Variable):
    definition_period = DateUnit.DAY
    value_type = int
    entity = Person
    label = "失业补助金（分/月）: ratio × ui.benefit_monthly_yuan"

    def formula(person, period, parameters):
        p = parameters(period)
        monthly = or_none(lambda: p.ui.benefit_monthly_yuan)
        if monthly is None:
            return np.zeros(person.count, dtype=np.int64)
        fen = exact(p.unemployment_supplement.ratio) * exact(monthly) * 100
        fen = int((fen * 2 + 1) // 2)  # half away from zero (non-negative)
        return np.where(person("unemployment_supplement_eligible", period), fen, 0)


PROGRAMS = {
    "hire_unemployed": ("person", "hire_unemployed_eligible", "hire_unemployed_amount_fen"),
    "stable_post_refund": ("enterprise", "stable_post_refund_eligible", "stable_post_refund_amount_fen"),
    "unemployment_supplement": ("person", "unemployment_supplement_eligible", "unemployment_supplement_amount_fen"),
}


class JiuyeTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self):
        super().__init__([Person, Enterprise])
        self.load_parameters(PARAMETERS_DIR)
        for v in list(globals().values()):
            if isinstance(v, type) and issubclass(v, Variable) and v is not Variable:
                self.add_variable(v)
