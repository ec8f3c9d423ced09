//! The retry schedule for transient send failures: 1 min, 5 min, 30 min, 2 h, then give up.
//!
//! Pure and deterministic; the application stores the attempt count and the next-try time in its
//! outbox row (and may add its own jitter).

use std::time::Duration;

/// Attempts per message, the first send included; after the fifth failure the message is given up.
pub const MAX_ATTEMPTS: u32 = 5;

const SCHEDULE: [Duration; 4] =
    [Duration::from_secs(60), Duration::from_secs(5 * 60), Duration::from_secs(30 * 60), Duration::from_secs(2 * 60 * 60)];

/// The wait before the next attempt, given how many attempts have failed so far: `0` → send now,
/// `1` → 1 min, `2` → 5 min, `3` → 30 min, `4` → 2 h, [`MAX_ATTEMPTS`] or more → `None` (give up).
pub fn retry_delay(attempt: u32) -> Option<Duration> {
    if attempt == 0 {
        return Some(Duration::ZERO);
    }
    let i = usize::try_from(attempt - 1).ok()?;
    SCHEDULE.get(i).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_grows_then_gives_up_after_max_attempts() {
        let min = |m: u64| Some(Duration::from_secs(m * 60));
        for (attempt, want) in
            [(0, Some(Duration::ZERO)), (1, min(1)), (2, min(5)), (3, min(30)), (4, min(120)), (5, None), (6, None), (u32::MAX, None)]
        {
            assert_eq!(retry_delay(attempt), want, "after {attempt} failed attempts");
        }
    }

    #[test]
    fn the_schedule_has_one_delay_between_each_pair_of_attempts() {
        assert_eq!(SCHEDULE.len(), usize::try_from(MAX_ATTEMPTS - 1).unwrap());
        assert!(retry_delay(MAX_ATTEMPTS - 1).is_some());
        assert!(retry_delay(MAX_ATTEMPTS).is_none());
    }
}
