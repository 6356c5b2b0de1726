//! The timer table: one optional deadline per timer kind (quinn's `TimerTable`).

use core::time::Duration;
use std::time::Instant;

/// The engine's timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// Negotiation must finish by then.
    Negotiation = 0,
    /// Send a whitespace keepalive.
    Keepalive = 1,
    /// Send a ping (nothing received for a while).
    Ping = 2,
    /// The ping (or any traffic) is overdue: the connection is dead.
    PingTimeout = 3,
    /// Our close was not answered.
    CloseGrace = 4,
}

const COUNT: usize = 5;
const ALL: [Timer; COUNT] = [
    Timer::Negotiation,
    Timer::Keepalive,
    Timer::Ping,
    Timer::PingTimeout,
    Timer::CloseGrace,
];

/// Deadlines indexed by [`Timer`]; `None` is "not armed", never a far-future sentinel.
#[derive(Debug, Clone, Default)]
pub(crate) struct TimerTable {
    deadlines: [Option<Instant>; COUNT],
}

impl TimerTable {
    /// Arms `timer` at `now + after`; an overflowing deadline disarms it.
    pub(crate) fn set(&mut self, timer: Timer, now: Instant, after: Duration) {
        self.deadlines[timer as usize] = now.checked_add(after);
    }

    /// Disarms `timer`.
    pub(crate) fn stop(&mut self, timer: Timer) {
        self.deadlines[timer as usize] = None;
    }

    /// Disarms every timer.
    pub(crate) fn stop_all(&mut self) {
        self.deadlines = [None; COUNT];
    }

    /// Whether `timer` is armed.
    #[cfg(test)]
    pub(crate) fn is_set(&self, timer: Timer) -> bool {
        self.deadlines[timer as usize].is_some()
    }

    /// The earliest armed deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.deadlines.iter().flatten().min().copied()
    }

    /// Disarms and returns the earliest timer due at `now`, if any.
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<Timer> {
        let timer = ALL
            .into_iter()
            .filter(|t| self.deadlines[*t as usize].is_some_and(|d| d <= now))
            .min_by_key(|t| self.deadlines[*t as usize])?;
        self.deadlines[timer as usize] = None;
        Some(timer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_disarmed_after_pop() {
        let t0 = crate::test_util::epoch();
        let mut t = TimerTable::default();
        assert_eq!(t.next(), None);
        t.set(Timer::Ping, t0, Duration::from_secs(10));
        t.set(Timer::Keepalive, t0, Duration::from_secs(5));
        assert_eq!(t.next(), Some(t0 + Duration::from_secs(5)));
        assert_eq!(t.pop_expired(t0 + Duration::from_secs(4)), None);
        let late = t0 + Duration::from_secs(11);
        assert_eq!(t.pop_expired(late), Some(Timer::Keepalive));
        assert_eq!(t.pop_expired(late), Some(Timer::Ping));
        assert_eq!(t.pop_expired(late), None);
        assert_eq!(t.next(), None);
    }

    #[test]
    fn overflowing_deadline_is_none() {
        let mut t = TimerTable::default();
        t.set(Timer::CloseGrace, crate::test_util::epoch(), Duration::MAX);
        assert!(!t.is_set(Timer::CloseGrace));
    }
}
