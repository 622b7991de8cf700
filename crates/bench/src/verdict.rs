//! The targets `make bench` checks, each turned into one MET / NOT MET line with its numbers.

use crate::calls::CallCount;
use crate::cpu::CpuResult;
use crate::load::LoadResult;
use crate::plugin_bench::PluginResult;
use crate::scale::ScalePoint;
use crate::stats::{growth_exponent, summarize};

/// One megabyte as the targets count it (2^20 bytes).
pub(crate) const MB: f64 = 1024.0 * 1024.0;
/// Largest growth exponent still called linear: noise at three Ns moves a fit by a few
/// hundredths, and a fixed start-up part pulls it below 1.
pub(crate) const LINEAR_EXPONENT: f64 = 1.15;

/// One checked target.
#[derive(Clone, Debug)]
pub(crate) struct Verdict {
    /// Whether the target was met.
    pub(crate) met: bool,
    /// The target and the measured numbers.
    pub(crate) text: String,
}

impl Verdict {
    fn new(met: bool, text: String) -> Verdict {
        Verdict { met, text }
    }

    /// The printed line.
    pub(crate) fn line(&self) -> String {
        let mark = if self.met { "MET" } else { "NOT MET" };
        format!("{mark}: {}", self.text)
    }
}

/// Everything measured in one run.
pub(crate) struct Measurements {
    /// Measurement 1, ours first, then the Go peer.
    pub(crate) plugins: Vec<PluginResult>,
    /// Measurement 2, ascending N.
    pub(crate) scale: Vec<ScalePoint>,
    /// Measurement 3.
    pub(crate) calls: CallCount,
    /// Measurement 4.
    pub(crate) cpu: Vec<CpuResult>,
    /// Measurement 5.
    pub(crate) load: LoadResult,
}

/// Median wall time ratio ours / floor for one op at one point.
pub(crate) fn floor_ratio(p: &ScalePoint, op: usize) -> f64 {
    summarize(&p.ours[op].wall_s).median / summarize(&p.floor[op].wall_s).median
}

/// Median wall time ratio ours / matched floor (the floor padded to our state size).
pub(crate) fn matched_ratio(p: &ScalePoint, op: usize) -> f64 {
    summarize(&p.ours[op].wall_s).median / summarize(&p.matched[op].wall_s).median
}

/// Growth exponents of ours across the Ns: (wall time per op, calls per op, peak memory per op).
pub(crate) fn exponents(scale: &[ScalePoint]) -> Vec<(String, Option<f64>)> {
    let mut out = Vec::new();
    for (op, name) in crate::scale::OPS.iter().enumerate() {
        let fit = |f: &dyn Fn(&ScalePoint) -> f64| {
            growth_exponent(&scale.iter().map(|p| (p.n as f64, f(p))).collect::<Vec<_>>())
        };
        out.push((
            format!("{name} wall time"),
            fit(&|p| summarize(&p.ours[op].wall_s).median),
        ));
        out.push((
            format!("{name} platform calls"),
            fit(&|p| summarize(&p.ours[op].calls).median),
        ));
        out.push((
            format!("{name} provider peak memory"),
            fit(&|p| summarize(&p.ours[op].peak_bytes).median),
        ));
        out.push((
            format!("{name} provider CPU"),
            fit(&|p| summarize(&p.ours[op].provider_cpu).median),
        ));
    }
    out
}

/// Checks every target.
pub(crate) fn check(m: &Measurements) -> Vec<Verdict> {
    let mut v = Vec::new();
    let ours = &m.plugins[0];
    let size = ours.binary_bytes as f64 / MB;
    v.push(Verdict::new(
        size <= 8.0,
        format!(
            "release binary <= 8 MB: {size:.2} MB ({} bytes)",
            ours.binary_bytes
        ),
    ));
    let rss = summarize(&ours.rss_bytes).median / MB;
    v.push(Verdict::new(
        rss <= 8.0,
        format!("RSS after GetProviderSchema <= 8 MB: {rss:.2} MB (median)"),
    ));
    if let Some(peer) = m.plugins.get(1) {
        let (a, b) = (
            summarize(&ours.startup_ms).median,
            summarize(&peer.startup_ms).median,
        );
        v.push(Verdict::new(
            a <= b,
            format!(
                "start-up no slower than the Go peer: {a:.1} ms vs {} {b:.1} ms (median exec to handshake, ratio {:.2})",
                peer.label,
                a / b
            ),
        ));
    }
    if let Some(last) = m.scale.last() {
        for (op, name) in [(0, "apply"), (1, "no-change plan")] {
            let r = floor_ratio(last, op);
            v.push(Verdict::new(
                r <= 1.3,
                format!(
                    "N={} {name} within 1.3x of null_resource: {r:.2}x ({:.2} s vs {:.2} s; \
                     {:.2}x of the floor padded to our state size)",
                    last.n,
                    summarize(&last.ours[op].wall_s).median,
                    summarize(&last.floor[op].wall_s).median,
                    matched_ratio(last, op)
                ),
            ));
        }
    }
    let exps = exponents(&m.scale);
    let worst = |wall: bool| {
        exps.iter()
            .filter(|(name, _)| name.ends_with("wall time") == wall)
            .filter_map(|(name, e)| e.map(|e| (name.clone(), e)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    };
    if let Some((name, e)) = worst(false) {
        v.push(Verdict::new(
            e <= LINEAR_EXPONENT,
            format!(
                "the provider's own costs (platform calls, provider CPU, peak memory) grow linearly (fitted exponent <= {LINEAR_EXPONENT}): largest is {name} at {e:.2}"
            ),
        ));
    }
    if let Some((name, e)) = worst(true) {
        let op = crate::scale::OPS
            .iter()
            .position(|o| name.starts_with(o))
            .unwrap_or(0);
        let floor: Vec<(f64, f64)> = m
            .scale
            .iter()
            .map(|p| (p.n as f64, summarize(&p.floor[op].wall_s).median))
            .collect();
        let floor_e = growth_exponent(&floor).unwrap_or(f64::NAN);
        let matched: Vec<(f64, f64)> = m
            .scale
            .iter()
            .map(|p| (p.n as f64, summarize(&p.matched[op].wall_s).median))
            .collect();
        let matched_e = growth_exponent(&matched).unwrap_or(f64::NAN);
        v.push(Verdict::new(
            e <= LINEAR_EXPONENT,
            format!(
                "wall time grows linearly (fitted exponent <= {LINEAR_EXPONENT}): largest is {name} at {e:.2} (null_resource floor: {floor_e:.2}; floor padded to our state size: {matched_e:.2})"
            ),
        ));
    }
    v.push(Verdict::new(
        m.calls.total <= 10,
        format!(
            "plan refreshing 1 workspace + 40 secrets + 10 shares + 5 keys <= 10 calls: {} calls",
            m.calls.total
        ),
    ));
    if let Some(plan) = m.cpu.first() {
        let p99 = plan.p(99.0);
        v.push(Verdict::new(
            p99 < 1000.0,
            format!(
                "CPU per RPC p99 < 1 ms: {p99:.1} us (p50 {:.1} us, {})",
                plan.p(50.0),
                plan.label
            ),
        ));
    }
    let rps = m.load.per_second();
    v.push(Verdict::new(
        rps >= 5000.0 && m.load.failures == 0,
        format!(
            "emulator >= 5,000 req/s: {rps:.0} req/s ({} requests, {} failures, {} connections)",
            m.load.completed, m.load.failures, m.load.connections
        ),
    ));
    v
}
