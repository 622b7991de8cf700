//! Fault injection: the [`FaultPlan`] a test or user sets, how a rule matches a request, and
//! the seeded decision of which fault (if any) a request gets.
//!
//! # Semantics
//!
//! A plan is an ordered list of rules. For each request (except `/_emulator/...`) the rules are
//! tried in order. A rule *matches* when its route pattern and method fit; a matching rule
//! *fires* when it has count left and its rate roll succeeds. A firing rule adds its
//! `latency_ms`; the first firing rule whose action is not plain latency decides the outcome,
//! and rules after it with such actions are not tried (so they keep their count and no random
//! number is drawn for them). Latency-only rules are always tried, so `latency_ms=200` and
//! `status=503,rate=0.1` compose.
//!
//! # Replay
//!
//! Every armed plan has a seed (given, or drawn from the OS and then logged and shown by
//! `GET /_emulator/faults`). Rolls come from one [`rng::SplitMix64`] behind the plan's lock, so
//! the same seed and the same order of requests give the same decisions. Requests that race
//! each other may reach the lock in a different order; replay a failure with one request at a
//! time.

pub(crate) mod layer;
mod malformed;
mod rng;
mod spec;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use axum::http::Method;
use serde::{Deserialize, Serialize};

pub use malformed::BodyShape;

/// A set of fault rules plus the seed of their random decisions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultPlan {
    /// Seed of the rate rolls; `None` picks one when the plan is armed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Rules in the order they are tried.
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// A plan of `rules` with a seed picked at arming time.
    pub fn new(rules: Vec<FaultRule>) -> FaultPlan {
        FaultPlan { seed: None, rules }
    }

    /// The same plan with a fixed seed, for replayable decisions.
    pub fn with_seed(mut self, seed: u64) -> FaultPlan {
        self.seed = Some(seed);
        self
    }

    /// `true` when the plan injects nothing.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// One rule: which requests it applies to, how often, and what it does to them.
///
/// Parsed from the CLI syntax with `str::parse`; its JSON form is the flat object with the same
/// keys (see the `spec` module).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "spec::RuleSpec", into = "spec::RuleSpec")]
pub struct FaultRule {
    /// Path pattern: `/`-separated segments where `*` or `{name}` matches any one segment;
    /// empty or `*` matches every path.
    pub route: String,
    /// HTTP method (any case); `None` matches every method.
    pub method: Option<String>,
    /// Probability in `0..=1` that a matching request gets the fault; `None` means always.
    pub rate: Option<f64>,
    /// How many more times the rule may fire; `None` means without limit.
    pub count: Option<u64>,
    /// Milliseconds to wait before the action.
    pub latency_ms: u64,
    /// What happens to the request after the latency.
    pub action: FaultAction,
}

/// What a firing rule does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Nothing besides the rule's latency: the request is then handled normally.
    Latency,
    /// Answer at once with this status instead of handling the request: 500 with the
    /// platform's `{"error": ...}` body, 502/503/504 with a proxy's HTML page, or 429 with
    /// `{"error":"Rate limit exceeded","retry_after":"1s"}`.
    Status {
        status: u16,
        /// Seconds for a `Retry-After` header; `None` sends no header.
        retry_after: Option<u64>,
        /// `false` sends the status with an empty body.
        body: bool,
    },
    /// Close the connection without handling the request or answering. A router driven
    /// through `oneshot`, which has no connection, answers a bodiless 502 instead.
    Close,
    /// Handle the request fully (state changes), then hold the answer back this long.
    Late { delay_ms: u64 },
    /// Handle the request fully (state changes), then close the connection without answering
    /// (a bodiless 502 under `oneshot`, as for [`FaultAction::Close`]).
    ProcessThenClose,
    /// Answer with a body of the wrong shape (see [`BodyShape`]); some shapes run the
    /// handler first and bend its answer.
    Malformed { shape: BodyShape },
}

impl FaultAction {
    /// Name used in the JSON and CLI forms and as the key of the fault counters.
    pub fn kind(&self) -> String {
        match self {
            FaultAction::Latency => "latency".to_owned(),
            FaultAction::Status { status, .. } => format!("status_{status}"),
            FaultAction::Close => "close".to_owned(),
            FaultAction::Late { .. } => "late".to_owned(),
            FaultAction::ProcessThenClose => "process_then_close".to_owned(),
            FaultAction::Malformed { shape } => format!("malformed_{}", shape.name()),
        }
    }
}

impl FaultRule {
    fn with_action(action: FaultAction) -> FaultRule {
        FaultRule {
            route: String::new(),
            method: None,
            rate: None,
            count: None,
            latency_ms: 0,
            action,
        }
    }

    /// Answers `status` (500, 502, 503, 504 or 429) with its usual body and no `Retry-After`.
    pub fn status(status: u16) -> FaultRule {
        FaultRule::with_action(FaultAction::Status {
            status,
            retry_after: None,
            body: true,
        })
    }

    /// Answers `status` with its usual body and `Retry-After: <seconds>`, as a router does
    /// while the backend restarts (503) or a rate limiter does (429).
    pub fn status_retry_after(status: u16, seconds: u64) -> FaultRule {
        FaultRule::with_action(FaultAction::Status {
            status,
            retry_after: Some(seconds),
            body: true,
        })
    }

    /// Answers 429 with the rate-limit body and, if given, `Retry-After: <seconds>`.
    pub fn rate_limited(retry_after: Option<u64>) -> FaultRule {
        FaultRule::with_action(FaultAction::Status {
            status: 429,
            retry_after,
            body: true,
        })
    }

    /// Waits `latency` and then handles the request normally.
    pub fn latency(latency: Duration) -> FaultRule {
        FaultRule {
            latency_ms: millis(latency),
            ..FaultRule::with_action(FaultAction::Latency)
        }
    }

    /// Closes the connection without handling the request.
    pub fn close() -> FaultRule {
        FaultRule::with_action(FaultAction::Close)
    }

    /// Handles the request, then holds its answer back for `delay`.
    pub fn late(delay: Duration) -> FaultRule {
        FaultRule::with_action(FaultAction::Late {
            delay_ms: millis(delay),
        })
    }

    /// Handles the request, then closes the connection without answering.
    pub fn process_then_close() -> FaultRule {
        FaultRule::with_action(FaultAction::ProcessThenClose)
    }

    /// Answers with a body of the wrong shape.
    pub fn malformed(shape: BodyShape) -> FaultRule {
        FaultRule::with_action(FaultAction::Malformed { shape })
    }

    /// Restricts the rule to paths matching `pattern` (see [`FaultRule::route`]).
    pub fn route(mut self, pattern: &str) -> FaultRule {
        pattern.clone_into(&mut self.route);
        self
    }

    /// Restricts the rule to one HTTP method.
    pub fn method(mut self, method: &str) -> FaultRule {
        self.method = Some(method.to_owned());
        self
    }

    /// Fires with probability `rate` per matching request.
    pub fn rate(mut self, rate: f64) -> FaultRule {
        self.rate = Some(rate);
        self
    }

    /// Fires at most `count` times.
    pub fn count(mut self, count: u64) -> FaultRule {
        self.count = Some(count);
        self
    }

    /// `true` when the rule applies to a request with this method and path.
    pub fn matches(&self, method: &Method, path: &str) -> bool {
        let method_fits = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()));
        method_fits && route_matches(&self.route, path)
    }
}

/// Segment-wise match; `*` and `{name}` stand for exactly one segment.
fn route_matches(pattern: &str, path: &str) -> bool {
    if pattern.is_empty() || pattern == "*" {
        return true;
    }
    let mut wanted = pattern.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if is_wildcard(w) || w == g => {}
            _ => return false,
        }
    }
}

fn is_wildcard(segment: &str) -> bool {
    segment == "*" || (segment.starts_with('{') && segment.ends_with('}'))
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// What the middleware must do to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decision {
    /// Total latency of the firing rules, before anything else happens.
    pub(crate) latency: Duration,
    /// The deciding action, if a rule other than plain latency fired.
    pub(crate) outcome: Option<FaultAction>,
    /// Counter keys of every rule that fired.
    pub(crate) kinds: Vec<String>,
}

/// The armed plan: remaining counts and the random stream, behind one lock.
struct Armed {
    plan: FaultPlan,
    rng: rng::SplitMix64,
}

/// Shared holder of the current plan.
pub(crate) struct Faults {
    /// Lets requests skip the lock entirely while no rule is set (the benchmark case).
    active: AtomicBool,
    armed: Mutex<Armed>,
}

impl Faults {
    pub(crate) fn new(plan: FaultPlan) -> Faults {
        let faults = Faults {
            active: AtomicBool::new(false),
            armed: Mutex::new(Armed {
                plan: FaultPlan::default(),
                rng: rng::SplitMix64::new(0),
            }),
        };
        faults.set(plan);
        faults
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Armed> {
        self.armed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Replaces the plan and restarts the random stream from its seed; returns the plan as
    /// armed, with the seed filled in.
    pub(crate) fn set(&self, mut plan: FaultPlan) -> FaultPlan {
        let seed = *plan.seed.get_or_insert_with(rng::fresh_seed);
        if !plan.is_empty() {
            tracing::info!(seed, rules = plan.rules.len(), "fault plan armed");
        }
        let mut armed = self.lock();
        self.active.store(!plan.is_empty(), Ordering::Release);
        armed.rng = rng::SplitMix64::new(seed);
        armed.plan = plan;
        armed.plan.clone()
    }

    /// The current plan, with each `count` lowered by the times its rule has fired.
    pub(crate) fn current(&self) -> FaultPlan {
        self.lock().plan.clone()
    }

    /// Decides what happens to one request; `None` means "handle it normally".
    pub(crate) fn decide(&self, method: &Method, path: &str) -> Option<Decision> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        let mut guard = self.lock();
        let Armed { plan, rng } = &mut *guard;
        let mut latency_ms = 0u64;
        let mut outcome = None;
        let mut kinds = Vec::new();
        for rule in &mut plan.rules {
            let decisive = rule.action != FaultAction::Latency;
            if (decisive && outcome.is_some())
                || rule.count == Some(0)
                || !rule.matches(method, path)
            {
                continue;
            }
            // Draw only for real probabilities, so that adding `rate=1` changes nothing.
            if let Some(rate) = rule.rate.filter(|r| *r < 1.0) {
                if rng.next_f64() >= rate {
                    continue;
                }
            }
            if let Some(count) = &mut rule.count {
                *count -= 1;
            }
            latency_ms = latency_ms.saturating_add(rule.latency_ms);
            kinds.push(rule.action.kind());
            if decisive {
                outcome = Some(rule.action);
            }
        }
        (!kinds.is_empty()).then(|| Decision {
            latency: Duration::from_millis(latency_ms),
            outcome,
            kinds,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_patterns_match_whole_segments() {
        assert!(route_matches("", "/api/projects"));
        assert!(route_matches("*", "/api/projects/a/keys"));
        assert!(route_matches(
            "/api/projects/*/keys",
            "/api/projects/a/keys"
        ));
        assert!(route_matches("/api/projects/{name}", "/api/projects/a"));
        assert!(!route_matches(
            "/api/projects/*/keys",
            "/api/projects/a/keys/k1"
        ));
        assert!(!route_matches("/api/projects/*", "/api/projects"));
        assert!(!route_matches(
            "/api/projects/*/keys",
            "/api/projects/a/permissions"
        ));
    }

    #[test]
    fn a_decisive_rule_shadows_later_ones_but_not_latency() {
        let faults = Faults::new(FaultPlan::new(vec![
            FaultRule::status(503).count(1),
            FaultRule::status(500).count(1),
            FaultRule::latency(Duration::from_millis(5)),
        ]));
        let first = faults.decide(&Method::GET, "/x").expect("fires");
        assert_eq!(first.outcome.map(|a| a.kind()), Some("status_503".into()));
        assert_eq!(first.latency, Duration::from_millis(5));
        assert_eq!(first.kinds, ["status_503", "latency"]);
        let second = faults.decide(&Method::GET, "/x").expect("fires");
        assert_eq!(second.outcome.map(|a| a.kind()), Some("status_500".into()));
        let third = faults.decide(&Method::GET, "/x").expect("latency only");
        assert_eq!(third.outcome, None);
        assert_eq!(faults.current().rules[0].count, Some(0));
    }
}
