//! The quick run `make test` makes so the benchmark harness cannot rot: tiny N, two starts per
//! provider, every measurement once, against the debug binaries of this Cargo run. It checks the
//! harness works and writes a complete report, not the numbers.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// The bench finds the provider and the emulator next to itself. `cargo test --workspace` has
/// built them; `cargo test -p acp-bench` alone has not, and then they are built here.
fn build_siblings_if_missing() {
    let dir = Path::new(env!("CARGO_BIN_EXE_acp-bench"))
        .parent()
        .expect("binary has a directory")
        .to_path_buf();
    if ["terraform-provider-acp", "acp-emulator"]
        .iter()
        .all(|b| dir.join(b).is_file())
    {
        return;
    }
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--locked",
            "-p",
            "terraform-provider-acp",
        ])
        .args(["-p", "acp-emulator", "--bins"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .status()
        .expect("run cargo build");
    assert!(
        status.success(),
        "building the provider and the emulator failed"
    );
}

#[test]
fn smoke_run_writes_a_report_and_one_verdict_per_target() {
    build_siblings_if_missing();
    let out = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let run = Command::new(env!("CARGO_BIN_EXE_acp-bench"))
        .args(["--smoke", "--out"])
        .arg(out.path())
        .output()
        .expect("run acp-bench");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "acp-bench --smoke failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    eprintln!("smoke run took {:.1} s", started.elapsed().as_secs_f64());

    let verdicts: Vec<&str> = stdout.lines().collect();
    assert_eq!(verdicts.len(), 10, "{stdout}");
    assert!(
        verdicts
            .iter()
            .all(|l| l.starts_with("MET: ") || l.starts_with("NOT MET: ")),
        "{stdout}"
    );

    let files: Vec<_> = std::fs::read_dir(out.path())
        .expect("read output dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let report = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .expect("a Markdown report");
    let text = std::fs::read_to_string(report).expect("read report");
    for heading in [
        "## 1. Plugin process",
        "## 2. Scale",
        "### State size",
        "matched floor",
        "## 3.",
        "## 4.",
        "## 5.",
    ] {
        assert!(text.contains(heading), "report lacks {heading}:\n{text}");
    }
    let chart = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "svg"))
        .expect("an SVG chart");
    let svg = std::fs::read_to_string(chart).expect("read chart");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
}
