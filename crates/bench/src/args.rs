//! Command-line flags, and the repetition counts they imply.

use std::path::PathBuf;
use std::time::Duration;

use crate::load::LoadPlan;
use crate::plugin_bench::PluginPlan;

/// Printed on a flag error.
pub(crate) const USAGE: &str = "usage: acp-bench [--smoke] [--out DIR] [--ns N,N,...] [--reps R] \
                         [--reps-largest R] [--starts S]";

/// The parsed flags.
#[derive(Clone, Debug)]
pub(crate) struct Args {
    /// Quick run for `make test`: tiny N, few repetitions.
    pub(crate) smoke: bool,
    /// Where the report goes.
    pub(crate) out: PathBuf,
    /// Object counts of the scale measurement, ascending.
    pub(crate) ns: Vec<usize>,
    /// Repetitions per N except the largest.
    pub(crate) reps: usize,
    /// Repetitions at the largest N.
    pub(crate) reps_largest: usize,
    /// Process starts per provider.
    pub(crate) starts: usize,
    /// Iterations of the CPU microbenchmark.
    pub(crate) cpu_iterations: usize,
}

impl Args {
    /// Parses the flags (without the program name).
    pub(crate) fn parse(flags: impl Iterator<Item = String>) -> Result<Args, String> {
        let flags: Vec<String> = flags.collect();
        let smoke = flags.iter().any(|f| f == "--smoke");
        let mut args = if smoke {
            Args {
                smoke,
                out: std::env::temp_dir().join("acp-bench-smoke"),
                ns: vec![10, 20],
                reps: 1,
                reps_largest: 1,
                starts: 2,
                cpu_iterations: 2_000,
            }
        } else {
            Args {
                smoke,
                out: PathBuf::from("bench/results"),
                ns: vec![100, 300, 1000],
                reps: 3,
                reps_largest: 2,
                starts: 21,
                cpu_iterations: 50_000,
            }
        };
        let mut it = flags.into_iter();
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or(format!("{flag} needs a value"));
            let number = |v: String| v.parse::<usize>().map_err(|e| format!("{v}: {e}"));
            match flag.as_str() {
                "--smoke" => {}
                "--out" => args.out = PathBuf::from(value()?),
                "--ns" => {
                    args.ns = value()?
                        .split(',')
                        .map(|v| number(v.to_string()))
                        .collect::<Result<_, _>>()?;
                    args.ns.sort_unstable();
                }
                "--reps" => args.reps = number(value()?)?.max(1),
                "--reps-largest" => args.reps_largest = number(value()?)?.max(1),
                "--starts" => args.starts = number(value()?)?.max(1),
                other => return Err(format!("unknown flag {other}")),
            }
        }
        if args.ns.is_empty() {
            return Err("--ns needs at least one N".into());
        }
        Ok(args)
    }

    /// Repetitions of measurement 1.
    pub(crate) fn plugin_plan(&self) -> PluginPlan {
        PluginPlan {
            starts: self.starts,
            schema_processes: if self.smoke { 1 } else { 7 },
            warm_calls: if self.smoke { 2 } else { 10 },
            cli_runs: if self.smoke { 1 } else { 5 },
        }
    }

    /// Bounds of measurement 5.
    pub(crate) fn load_plan(&self) -> LoadPlan {
        LoadPlan {
            connections: 4,
            requests: if self.smoke { 2_000 } else { 100_000 },
            limit: Duration::from_secs(if self.smoke { 10 } else { 30 }),
        }
    }

    /// What the report should say about the repetitions.
    pub(crate) fn notes(&self) -> Vec<String> {
        let plan = self.plugin_plan();
        let mut notes = vec![format!(
            "Repetitions: {} starts per provider; {} fresh processes per provider for the schema \
             call ({} later calls each); {} `providers schema -json` runs per provider; {} run(s) \
             of apply/plan/destroy per N below the largest and {} at N={} (fewer at the largest \
             N to keep the run short on 2 cores); {} CPU iterations per body.",
            self.starts,
            plan.schema_processes,
            plan.warm_calls,
            plan.cli_runs,
            self.reps,
            self.reps_largest,
            self.ns.last().copied().unwrap_or(0),
            self.cpu_iterations
        )];
        if self.smoke {
            notes.push(
                "Smoke run: tiny N and single repetitions check that the harness works; its \
                 numbers and verdicts mean nothing."
                    .into(),
            );
        }
        notes
    }
}
