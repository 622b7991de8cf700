//! `acp-bench`: the provider against HashiCorp's Go plugin framework (the Workato provider) and
//! the Terraform floor (`null_resource`), with real processes, the real `terraform` CLI and the
//! real emulator. Writes `<out>/<date>-<mode>.md` and an SVG chart, prints one verdict per target.
//!
//! ```text
//! acp-bench [--smoke] [--out DIR] [--ns 100,300,1000] [--reps 3] [--reps-largest 2]
//! ```
//!
//! The provider and emulator binaries are taken from the directory of this executable (the same
//! Cargo profile), the peers from `scripts/fetch-bench-peers.sh`, Terraform from
//! `scripts/fetch-terraform.sh`. See `bench/README.md`.

mod accounting;
mod args;
mod calls;
mod configs;
mod cpu;
mod emulator;
mod http;
mod load;
mod machine;
mod plugin;
mod plugin_bench;
mod procfs;
mod report;
mod scale;
mod stats;
mod svg;
mod terraform;
mod verdict;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use args::Args;
use emulator::EmulatorProcess;
use plugin_bench::Contender;

fn main() -> ExitCode {
    if let Some(code) = accounting::run_as_wrapper() {
        std::process::exit(code);
    }
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("acp-bench: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("acp-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root, where the fetch scripts live.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs a fetch script and returns its stdout lines.
fn script_lines(name: &str) -> Result<Vec<String>, String> {
    let out = Command::new("bash")
        .arg(repo_root().join("scripts").join(name))
        .output()
        .map_err(|e| format!("run {name}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

fn sibling(name: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = exe
        .parent()
        .ok_or("executable has no directory")?
        .join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} not found: build it first (make bench builds the provider and the emulator)",
            path.display()
        ))
    }
}

fn step(label: &str) {
    eprintln!(
        "acp-bench: {label} (load average {})",
        machine::load_average()
    );
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let load_before = machine::load_average();
    let ours = sibling("terraform-provider-acp")?;
    let emulator_bin = sibling("acp-emulator")?;
    let terraform = PathBuf::from(
        script_lines("fetch-terraform.sh")?
            .pop()
            .ok_or("fetch-terraform.sh printed no path")?,
    );
    let peers = script_lines("fetch-bench-peers.sh")?;
    let peer = |key: &str| {
        peers
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{key}=")).map(PathBuf::from))
            .ok_or(format!("fetch-bench-peers.sh printed no {key}= line"))
    };
    let (workato, null) = (peer("workato")?, peer("null")?);

    step("1/5 plugin process");
    let contenders = [
        Contender {
            label: "acp (ours)".into(),
            binary: ours.clone(),
            source: "ambient-code/acp".into(),
            name: "acp".into(),
        },
        Contender {
            label: "workato (Go, plugin-framework)".into(),
            binary: workato,
            source: "local/workato".into(),
            name: "workato".into(),
        },
    ];
    let plugins = plugin_bench::measure(&contenders, args.plugin_plan(), &terraform)?;

    let emulator = EmulatorProcess::start(&emulator_bin)?;
    let setup = scale::ScaleSetup {
        terraform: &terraform,
        ours: &ours,
        null: &null,
        emulator: &emulator,
    };
    let mut scale_points = Vec::new();
    for (i, n) in args.ns.iter().enumerate() {
        let reps = if i + 1 == args.ns.len() {
            args.reps_largest
        } else {
            args.reps
        };
        step(&format!("2/5 scale N={n}, {reps} run(s) each"));
        scale_points.push(scale::measure(&setup, *n, reps)?);
    }
    step("3/5 platform calls of one refresh");
    let calls = calls::measure(&terraform, &ours, &emulator)?;
    drop(emulator);

    step("4/5 provider CPU per RPC");
    let cpu = cpu::measure(args.cpu_iterations)?;
    step("5/5 emulator throughput");
    let load_emulator = EmulatorProcess::start(&emulator_bin)?;
    let load = load::measure(&load_emulator, args.load_plan())?;
    drop(load_emulator);

    let measurements = verdict::Measurements {
        plugins,
        scale: scale_points,
        calls,
        cpu,
        load,
    };
    let verdicts = verdict::check(&measurements);
    write_report(args, load_before, started, &measurements, &verdicts)?;
    for v in &verdicts {
        println!("{}", v.line());
    }
    Ok(())
}

fn write_report(
    args: &Args,
    load_before: String,
    started: Instant,
    m: &verdict::Measurements,
    verdicts: &[verdict::Verdict],
) -> Result<(), String> {
    let (date, _) = machine::today();
    let mode = if args.smoke { "smoke" } else { "full" };
    let base = if args.smoke {
        format!("{date}-smoke")
    } else {
        date.clone()
    };
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(repo_root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or("unknown".into(), |o| {
            String::from_utf8_lossy(&o.stdout).trim().to_string()
        });
    let info = report::RunInfo {
        date,
        mode: mode.into(),
        machine: machine::describe(),
        load_before,
        load_after: machine::load_average(),
        minutes: started.elapsed().as_secs_f64() / 60.0,
        commit,
        notes: args.notes(),
        chart: format!("{base}.svg"),
    };
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let md = args.out.join(format!("{base}.md"));
    std::fs::write(&md, report::render(&info, m, verdicts)).map_err(|e| e.to_string())?;
    std::fs::write(args.out.join(&info.chart), svg::chart(&m.scale)).map_err(|e| e.to_string())?;
    eprintln!("acp-bench: wrote {}", md.display());
    Ok(())
}
