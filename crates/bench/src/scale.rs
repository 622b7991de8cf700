//! Measurement 2: apply, no-change plan and destroy of N objects at Terraform's default
//! parallelism, ours against the emulator and the same number of `null_resource` objects (the
//! floor: what Terraform core itself costs), alternating A B A B. A third contender, the floor
//! padded to the same state bytes per object as ours, separates what Terraform core spends on
//! a larger state from what the provider adds.

use std::path::Path;

use crate::configs;
use crate::emulator::{EmulatorProcess, TOKEN};
use crate::terraform::{Override, Run, Workdir};

/// The three commands, in the order they run.
pub(crate) const OPS: [&str; 3] = ["apply", "plan", "destroy"];

/// The samples of one command at one N for one contender.
#[derive(Clone, Debug, Default)]
pub(crate) struct OpSamples {
    /// Wall times, seconds.
    pub(crate) wall_s: Vec<f64>,
    /// Peak resident memory of any provider process, bytes.
    pub(crate) peak_bytes: Vec<f64>,
    /// Platform requests the emulator served (ours only).
    pub(crate) calls: Vec<f64>,
    /// CPU seconds of the provider processes.
    pub(crate) provider_cpu: Vec<f64>,
    /// CPU seconds of terraform itself (its processes minus the providers').
    pub(crate) core_cpu: Vec<f64>,
    /// CPU seconds of the emulator (ours only).
    pub(crate) emulator_cpu: Vec<f64>,
    /// Bytes of the state file after the command.
    pub(crate) state_bytes: Vec<f64>,
}

/// One N: samples of ours and of the floor, indexed like [`OPS`].
#[derive(Clone, Debug, Default)]
pub(crate) struct ScalePoint {
    /// Number of objects.
    pub(crate) n: usize,
    /// Repetitions made.
    pub(crate) reps: usize,
    /// The ACP provider against the emulator.
    pub(crate) ours: [OpSamples; 3],
    /// `null_resource` objects.
    pub(crate) floor: [OpSamples; 3],
    /// `null_resource` objects padded to the state bytes per object of ours.
    pub(crate) matched: [OpSamples; 3],
    /// Characters of padding per matched object.
    pub(crate) matched_pad: usize,
}

/// Bytes a `pad` trigger adds to an object in the state besides its value: the key, quotes,
/// comma and the indentation Terraform writes.
const PAD_OVERHEAD: usize = 25;

/// Median state bytes per object after the apply of these samples.
fn state_per_object(samples: &[OpSamples; 3], n: usize) -> usize {
    let mut bytes = samples[0].state_bytes.clone();
    bytes.sort_by(f64::total_cmp);
    bytes.get(bytes.len() / 2).copied().unwrap_or(0.0) as usize / n.max(1)
}

/// The binaries and repetitions.
pub(crate) struct ScaleSetup<'a> {
    /// The terraform CLI.
    pub(crate) terraform: &'a Path,
    /// Our provider.
    pub(crate) ours: &'a Path,
    /// terraform-provider-null.
    pub(crate) null: &'a Path,
    /// The emulator serving our provider.
    pub(crate) emulator: &'a EmulatorProcess,
}

fn cycle(
    dir: &Workdir,
    samples: &mut [OpSamples; 3],
    emulator: Option<&EmulatorProcess>,
) -> Result<(), String> {
    let commands: [(&[&str], &[i32]); 3] = [
        (&["apply", "-auto-approve", "-no-color"], &[0]),
        (&["plan", "-detailed-exitcode", "-no-color"], &[0]),
        (&["destroy", "-auto-approve", "-no-color"], &[0]),
    ];
    for ((args, accept), s) in commands.iter().zip(samples.iter_mut()) {
        let emulator_cpu = match emulator {
            Some(e) => {
                e.reset_stats()?;
                e.cpu_seconds()
            }
            None => 0.0,
        };
        let run: Run = dir.run(args, accept)?;
        s.wall_s.push(run.wall.as_secs_f64());
        s.peak_bytes.push(run.provider_peak as f64);
        s.provider_cpu.push(run.provider_cpu);
        s.core_cpu.push((run.total_cpu - run.provider_cpu).max(0.0));
        s.state_bytes.push(dir.state_bytes() as f64);
        if let Some(e) = emulator {
            s.calls.push(e.total_requests()? as f64);
            s.emulator_cpu.push(e.cpu_seconds() - emulator_cpu);
        }
    }
    Ok(())
}

/// Measures one N with `reps` repetitions of (ours, floor).
pub(crate) fn measure(setup: &ScaleSetup<'_>, n: usize, reps: usize) -> Result<ScalePoint, String> {
    let mut ours = Workdir::accounted(
        setup.terraform,
        &[Override {
            source: "ambient-code/acp".into(),
            name: "acp".into(),
            binary: setup.ours.to_path_buf(),
        }],
    )?;
    ours.env("ACP_ENDPOINT", &setup.emulator.url);
    ours.env("ACP_TOKEN", TOKEN);
    ours.env("ACP_USERNAME", "bench@example.com");
    ours.write_config(&configs::acp_mix(n))?;
    let null_override = || Override {
        source: "hashicorp/null".into(),
        name: "null".into(),
        binary: setup.null.to_path_buf(),
    };
    let floor = Workdir::accounted(setup.terraform, &[null_override()])?;
    floor.write_config(&configs::null_floor(n))?;
    let matched = Workdir::accounted(setup.terraform, &[null_override()])?;

    let mut point = ScalePoint {
        n,
        reps,
        ..ScalePoint::default()
    };
    for rep in 0..reps {
        cycle(&ours, &mut point.ours, Some(setup.emulator))?;
        cycle(&floor, &mut point.floor, None)?;
        if rep == 0 {
            // Sized from the first runs: the difference in state bytes per object.
            let gap =
                state_per_object(&point.ours, n).saturating_sub(state_per_object(&point.floor, n));
            point.matched_pad = gap.saturating_sub(PAD_OVERHEAD);
            matched.write_config(&configs::null_floor_padded(n, point.matched_pad))?;
        }
        cycle(&matched, &mut point.matched, None)?;
    }
    Ok(point)
}
