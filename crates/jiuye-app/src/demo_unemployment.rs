//! Demo unemployment registrations (issue 5): spells since 2019 with monthly contacts, some months
//! missed so the due list has overdue people, and earlier spells closed when the person found work.

use jiuye_store::persons::Page;

use crate::demo::Rng;
use crate::{App, AppResult};

impl App {
    /// Demo unemployment registrations: for most unemployed persons of working age an open spell
    /// begun between 2019 and last month, with monthly contacts over its last six months (some months
    /// missed, so the due list has overdue people); for some employed persons an earlier spell closed
    /// when they found work. Returns (spells, contacts).
    pub async fn generate_demo_registrations(&self, seed: u64) -> AppResult<(u64, u64)> {
        use jiuye_store::registrations::{Closing, NewContact, NewRegistration};
        let mut rng = Rng::new(seed ^ 0x0000_0DE5_1571_2019);
        let today = self.clock.today();
        let now = self.now();
        let start = time::Date::from_calendar_date(2019, time::Month::January, 1).unwrap_or(today);
        let span = (today - start).whole_days().max(60) - 31;
        let mut tx = self.store.begin_write().await?;
        let (mut spells, mut contacts) = (0u64, 0u64);
        for status in ["unemployed", "employed"] {
            // Keyset paging: OFFSET would make every page slower than the last on a large registry.
            let mut after: Option<(String, uuid::Uuid)> = None;
            loop {
                let rows = self.store.persons_by_status_after(status, after.clone(), 2000).await?;
                let n = rows.len();
                after = rows.last().map(|(id, name, _, _)| (name.clone(), *id));
                for (person_id, _, birth_date, township_code) in rows {
                    let age = crate::seekers::age_on(birth_date, today);
                    if !(18..58).contains(&age) || !rng.chance(if status == "unemployed" { 75 } else { 6 }) {
                        continue;
                    }
                    let registered_on = start + time::Duration::days(rng.below(span as u64) as i64);
                    let id = self.new_id();
                    // Insured persons: some not entitled to unemployment benefit (the scan offers
                    // them the 失业补助金 of measure (二十三)); otherwise left unrecorded.
                    let insured = rng.chance(40);
                    let benefit_entitled = (insured && rng.chance(50)).then(|| rng.chance(40));
                    tx.insert_registration(
                        &NewRegistration {
                            id,
                            person_id,
                            township_code: township_code.clone(),
                            registered_on,
                            channel: if rng.chance(30) { "online".into() } else { "window".into() },
                            registered_by: "demo:clerk".into(),
                            insured: Some(insured),
                            benefit_entitled,
                            benefit_ended_on: None,
                        },
                        now,
                    )
                    .await?;
                    spells += 1;
                    let closed_on = if status == "employed" {
                        let d = registered_on + time::Duration::days(30 + rng.below(300) as i64);
                        Some(d.min(today))
                    } else {
                        None
                    };
                    // Monthly contacts over the spell's last six months, some months missed.
                    let last = closed_on.unwrap_or(today);
                    for k in (0..6).rev() {
                        let idx = i64::from(last.year()) * 12 + i64::from(u8::from(last.month())) - 1 - k;
                        let Some(month) = i32::try_from(idx / 12)
                            .ok()
                            .and_then(|y| time::Month::try_from(u8::try_from(idx % 12 + 1).ok()?).ok().map(|m| (y, m)))
                            .and_then(|(y, m)| time::Date::from_calendar_date(y, m, 1).ok())
                        else {
                            continue;
                        };
                        let day = month + time::Duration::days(rng.below(27) as i64);
                        if day < registered_on || day > last || (k == 0 && status == "unemployed" && rng.chance(45)) || rng.chance(8) {
                            continue;
                        }
                        tx.insert_contact(
                            &NewContact {
                                id: self.new_id(),
                                registration_id: id,
                                contact_on: day,
                                method: (*rng.pick(&["phone", "phone", "visit", "window", "sms_reply"]).unwrap_or(&"phone")).into(),
                                outcome: (*rng
                                    .pick(&["仍在求职", "参加培训中", "有意向，已推荐岗位", "暂无就业意愿，继续跟踪"])
                                    .unwrap_or(&"仍在求职"))
                                .into(),
                                services: (*rng
                                    .pick(&["job_referral", "career_guidance", "job_referral,training_referral", ""])
                                    .unwrap_or(&""))
                                .into(),
                                note: String::new(),
                                recorded_by: "demo:clerk".into(),
                            },
                            now,
                        )
                        .await?;
                        contacts += 1;
                    }
                    if let Some(c) = closed_on {
                        tx.close_registration(id, 1, &Closing { closed_on: c, reason: "employed", note: "", by: "demo:clerk" }, now)
                            .await?;
                    }
                }
                if n < 2000 {
                    break;
                }
            }
        }
        self.refresh_zero_in(&mut tx, None).await?;
        tx.commit().await?;
        // Zero-employment households follow from the members; each is dated from its members' open
        // registrations (the day the last of them registered), as if derived as it happened.
        let open = self.store.zero_employment(&jiuye_store::Scope::All, None, true, 1_000_000).await?;
        let mut tx = self.store.begin_write().await?;
        for z in open {
            let filter = jiuye_store::persons::PersonFilter { household_id: Some(z.household_id), ..Default::default() };
            let (members, _) = self.store.list_persons(&jiuye_store::Scope::All, &filter, Page { limit: 50, offset: 0 }).await?;
            let mut since = None;
            let mut members_with_open = Vec::new();
            for m in members {
                if let Some(r) =
                    self.store.registrations_of_person(&jiuye_store::Scope::All, m.id).await?.into_iter().find(|r| r.closed_on.is_none())
                {
                    since = since.max(Some(r.registered_on));
                    members_with_open.push((m.id, r.id, r.version));
                }
            }
            let Some(d) = since else { continue };
            tx.backdate_zero_employment(z.household_id, d).await?;
            // Some of them were cleared (动态清零): a member found work on a day since, which closes
            // the registration and, derived on that day, the household's period.
            let days_open = (today - d).whole_days();
            if days_open > 60
                && rng.chance(25)
                && let Some(m) = members_with_open.first()
            {
                let cleared = d + time::Duration::days(20 + rng.below((days_open - 20).min(600) as u64) as i64);
                tx.close_registration(
                    m.1,
                    m.2,
                    &Closing { closed_on: cleared, reason: "employed", note: "演示：实现就业", by: "demo:clerk" },
                    now,
                )
                .await?;
                tx.set_employment_status(m.0, "employed", now).await?;
                tx.refresh_zero_employment(&crate::zero_employment::working_age(cleared), Some(z.household_id), cleared).await?;
            }
        }
        tx.commit().await?;
        Ok((spells, contacts))
    }
}
