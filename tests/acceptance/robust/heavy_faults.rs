//! The demo team configuration applied while a quarter of all platform calls fail: 502, 503
//! and 504 (about 20 % together) and 429 (a further 5 %), decided by a seeded fault plan so
//! that a failure replays with the seed printed in its message.

use acp_emulator::{FaultPlan, FaultRule};

use super::team::{assert_platform_matches_demo, write_demo};
use crate::support::Harness;

/// Seeds tried by default; `ACC_FAULT_SEED` replaces them with one seed to replay a failure.
const SEEDS: [u64; 5] = [20_240_611, 7, 42, 1_000_003, 99];

/// Roughly 6.7 % each of 502, 503 and 504, then 5 % of 429, on every route. Rules are tried in
/// order and the first that fires decides, so later rates are raised to keep these shares.
pub fn heavy_plan(seed: u64) -> FaultPlan {
    let each = 0.2 / 3.0;
    FaultPlan::new(vec![
        FaultRule::status(502).rate(each),
        FaultRule::status(503).rate(each / (1.0 - each)),
        FaultRule::status(504).rate(each / (1.0 - 2.0 * each)),
        FaultRule::rate_limited(Some(1)).rate(0.05 / 0.8),
    ])
    .with_seed(seed)
}

fn seeds() -> Vec<u64> {
    match std::env::var("ACC_FAULT_SEED") {
        Ok(text) => vec![text.parse().expect("ACC_FAULT_SEED is a number")],
        Err(_) => SEEDS.to_vec(),
    }
}

#[test]
fn demo_team_applies_under_heavy_faults_and_plans_empty() {
    for seed in seeds() {
        let h = Harness::new(&format!("heavy-faults-{seed}"));
        write_demo(&h);
        h.emulator.state().set_faults(heavy_plan(seed));
        // One operation at a time, so the order of requests (and with it every fault
        // decision) replays from the seed.
        let out = h.run(&["apply", "-auto-approve", "-no-color", "-parallelism=1"]);
        let context = format!(
            "seed {seed} (replay with ACC_FAULT_SEED={seed}); faults fired: {:?}",
            h.emulator.state().fault_counts()
        );
        assert!(
            out.status.success(),
            "apply failed under faults, {context}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let fired: u64 = h.emulator.state().fault_counts().values().sum();
        assert!(
            fired >= 2,
            "the plan must actually inject faults; {context}"
        );

        let (code, plan) = h.plan();
        assert_eq!(code, 0, "plan after apply is not empty, {context}:\n{plan}");
        h.emulator.state().clear_faults();
        assert_platform_matches_demo(&h, &context);
    }
}
