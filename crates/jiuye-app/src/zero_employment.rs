//! Zero-employment households (零就业家庭, measures (十六), (二十四)): derived from the members, never
//! typed in — a household is zero-employment while at least one member of working age is registered
//! in the registry as unemployed and no member of working age is employed (or flexibly employed).
//! Members outside working age, not in the labour force, or of unknown status do not count. The
//! periods are refreshed in the same transaction as every change of a member (registry edits,
//! unemployment registration and its closing) and after imports, so the list is always current and
//! the history shows how long each took to clear (动态清零).

use jiuye_rules::retirement::{RetirementGroup, retirement_date};
use jiuye_store::WriteTx;
use jiuye_store::zero_employment::{WorkingAge, ZeroRecord, ZeroRefresh};
use time::{Date, Duration, Month};
use uuid::Uuid;

use crate::{Actor, App, AppError, AppResult};

/// The latest birth date of a group already retired on `on` (retirement dates grow with the birth
/// date, so a binary search over 40 years finds it).
fn retired_cutoff(group: RetirementGroup, on: Date) -> Date {
    let reform = on >= Date::from_calendar_date(2025, Month::January, 1).unwrap_or(on);
    let retired = |b: Date| retirement_date(group, b, reform).is_some_and(|r| r <= on);
    let (mut lo, mut hi) = (on - Duration::days(80 * 366), on - Duration::days(40 * 365));
    // Invariant: lo is retired, hi is not.
    while (hi - lo).whole_days() > 1 {
        let mid = lo + Duration::days((hi - lo).whole_days() / 2);
        if retired(mid) { lo = mid } else { hi = mid }
    }
    lo
}

/// Working age on `on`: 16 years old, not yet at the statutory retirement date (women by the later,
/// cadre schedule: the registry does not record the category).
pub fn working_age(on: Date) -> WorkingAge {
    let adult = on.replace_year(on.year() - 16).unwrap_or_else(|_| on - Duration::days(16 * 365 + 4));
    WorkingAge {
        adult,
        male_retired: retired_cutoff(RetirementGroup::Male, on),
        female_retired: retired_cutoff(RetirementGroup::FemaleCadre, on),
    }
}

/// A period as the pages and the CLI show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ZeroItem {
    pub household_id: Uuid,
    pub household_no: String,
    pub township_code: String,
    pub township_name: String,
    #[serde(serialize_with = "crate::ser_date")]
    pub since: Date,
    #[serde(serialize_with = "crate::ser_opt_date")]
    pub cleared_on: Option<Date>,
    pub cleared_reason: Option<String>,
    /// Days open so far (current) or until cleared.
    pub days: i64,
}

impl App {
    /// Refreshes one household (or all) inside a write transaction, as of today.
    pub(crate) async fn refresh_zero_in(&self, tx: &mut WriteTx, household: Option<Uuid>) -> AppResult<ZeroRefresh> {
        let today = self.clock.today();
        Ok(tx.refresh_zero_employment(&working_age(today), household, today).await?)
    }

    /// Refreshes every household (after an import, and daily: people age into and out of working
    /// age). Returns what changed.
    pub async fn refresh_zero_employment(&self) -> AppResult<ZeroRefresh> {
        let mut tx = self.store.begin_write().await?;
        let r = self.refresh_zero_in(&mut tx, None).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// Current zero-employment households (`current = true`, longest open first) or the cleared
    /// periods (newest first), in the actor's scope.
    pub async fn zero_employment(&self, actor: &Actor, township: Option<&str>, current: bool) -> AppResult<Vec<ZeroItem>> {
        // All of them: a limit here cut the list silently (100,000 of 115,834 current households at
        // 7,000,000 persons, docs/BENCHMARKS.md, issue 5), and the CLI's list is the complete one.
        self.zero_employment_first(actor, township, current, i64::MAX).await
    }

    /// The first `limit` of the same list (a page that shows only the newest cleared periods need
    /// not read the whole history).
    pub async fn zero_employment_first(
        &self,
        actor: &Actor,
        township: Option<&str>,
        current: bool,
        limit: i64,
    ) -> AppResult<Vec<ZeroItem>> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看零就业家庭"));
        }
        let township = match township {
            Some(t) if !t.trim().is_empty() => {
                Some(jiuye_domain::division::parse_township(t).map_err(|e| AppError::Validation(vec![e]))?.to_string())
            }
            _ => None,
        };
        let today = self.clock.today();
        let rows = self.store.zero_employment(&actor.scope(), township.as_deref(), current, limit).await?;
        Ok(rows.into_iter().map(|z| item(z, today)).collect())
    }

    pub async fn zero_employment_of(&self, household_id: Uuid) -> AppResult<Vec<ZeroItem>> {
        let today = self.clock.today();
        Ok(self.store.zero_employment_of(household_id).await?.into_iter().map(|z| item(z, today)).collect())
    }
}

fn item(z: ZeroRecord, today: Date) -> ZeroItem {
    ZeroItem {
        days: (z.cleared_on.unwrap_or(today) - z.started_on).whole_days(),
        household_id: z.household_id,
        household_no: z.household_no,
        township_code: z.township_code,
        township_name: z.township_name,
        since: z.started_on,
        cleared_on: z.cleared_on,
        cleared_reason: z.cleared_reason,
    }
}

pub fn cleared_reason_label(code: &str) -> &'static str {
    match code {
        "member_employed" => "家庭成员实现就业",
        "no_unemployed_member" => "已无劳动年龄内的失业成员",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn working_age_bounds_follow_the_retirement_rules() {
        let w = working_age(date!(2020 - 06 - 30));
        assert_eq!(w.adult, date!(2004 - 06 - 30));
        // Before the reform: men retire at 60, women (cadre) at 55.
        assert_eq!(w.male_retired, date!(1960 - 06 - 30));
        assert_eq!(w.female_retired, date!(1965 - 06 - 30));
        // After it, later: a man born in early 1965 retires in 1965 + 60 years + some months.
        let w = working_age(date!(2026 - 11 - 27));
        assert!(w.male_retired < date!(1966 - 11 - 27) && w.male_retired > date!(1964 - 01 - 01), "{:?}", w.male_retired);
    }
}
