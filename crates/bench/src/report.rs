//! The Markdown report: one table per measurement, the machine, the verdicts.

use std::fmt::Write;

use crate::machine::Machine;
use crate::scale::OPS;
use crate::stats::{growth_exponent, marginal_slope, summarize, Summary};
use crate::verdict::{exponents, floor_ratio, matched_ratio, Measurements, Verdict, MB};

/// Facts about the run that are not measurements.
pub(crate) struct RunInfo {
    /// UTC date.
    pub(crate) date: String,
    /// `smoke` or `full`.
    pub(crate) mode: String,
    /// The machine.
    pub(crate) machine: Machine,
    /// Load average before and after the run.
    pub(crate) load_before: String,
    /// Load average at the end.
    pub(crate) load_after: String,
    /// Minutes the run took.
    pub(crate) minutes: f64,
    /// Git commit of the provider, if known.
    pub(crate) commit: String,
    /// Notes on repetitions and anything skipped.
    pub(crate) notes: Vec<String>,
    /// File name of the chart, next to the report.
    pub(crate) chart: String,
}

fn mid(s: &Summary, scale: f64, digits: usize) -> String {
    format!(
        "{:.*} ({:.*}–{:.*})",
        digits,
        s.median / scale,
        digits,
        s.min / scale,
        digits,
        s.max / scale
    )
}

fn cell(values: &[f64], scale: f64, digits: usize) -> String {
    if values.is_empty() {
        "–".into()
    } else {
        mid(&summarize(values), scale, digits)
    }
}

fn ratio(a: &[f64], b: &[f64]) -> String {
    let (a, b) = (summarize(a).median, summarize(b).median);
    if a > 0.0 && b > 0.0 {
        format!("{:.2}", a / b)
    } else {
        "–".into()
    }
}

/// Renders the whole report.
pub(crate) fn render(info: &RunInfo, m: &Measurements, verdicts: &[Verdict]) -> String {
    let mut out = String::new();
    let mc = &info.machine;
    let _ = writeln!(out, "# Benchmark {} ({})\n", info.date, info.mode);
    let _ = writeln!(
        out,
        "Machine: {} CPUs (`nproc`), {}, {:.1} GiB memory, Linux {}. Load average (1/5/15 min) \
         {} before, {} after. Run took {:.1} min. Provider commit `{}`. Terraform 1.0.3 \
         (pinned), default parallelism (10).\n",
        mc.cpus,
        mc.model,
        mc.memory as f64 / MB / 1024.0,
        mc.kernel,
        info.load_before,
        info.load_after,
        info.minutes,
        info.commit
    );
    for note in &info.notes {
        let _ = writeln!(out, "- {note}");
    }
    let _ = writeln!(out, "\n## Verdicts\n");
    for v in verdicts {
        let _ = writeln!(out, "- {}", v.line());
    }
    plugin_table(&mut out, m);
    scale_tables(&mut out, m, &info.chart);
    calls_table(&mut out, m);
    cpu_table(&mut out, m);
    load_table(&mut out, m);
    out
}

fn plugin_table(out: &mut String, m: &Measurements) {
    let _ = writeln!(
        out,
        "\n## 1. Plugin process\n\nMedian (min–max). Ratio is ours / peer (below 1: ours is \
         smaller or faster). Both launched with the go-plugin environment (magic cookie, \
         `PLUGIN_PROTOCOL_VERSIONS=5,6`, generated `PLUGIN_CLIENT_CERT`).\n"
    );
    let names: Vec<&str> = m.plugins.iter().map(|p| p.label.as_str()).collect();
    let _ = writeln!(out, "| | {} | ratio |", names.join(" | "));
    let _ = writeln!(out, "|---|{}---|", "---|".repeat(names.len()));
    let row = |out: &mut String,
               label: &str,
               f: &dyn Fn(&crate::plugin_bench::PluginResult) -> String,
               r: String| {
        let cells: Vec<String> = m.plugins.iter().map(f).collect();
        let _ = writeln!(out, "| {label} | {} | {r} |", cells.join(" | "));
    };
    let pair =
        |f: &dyn Fn(&crate::plugin_bench::PluginResult) -> Vec<f64>| match m.plugins.as_slice() {
            [a, b, ..] => ratio(&f(a), &f(b)),
            _ => "–".into(),
        };
    row(
        out,
        "protocol chosen",
        &|p| p.protocol.to_string(),
        "".into(),
    );
    row(
        out,
        "binary size (MB)",
        &|p| format!("{:.2}", p.binary_bytes as f64 / MB),
        pair(&|p| vec![p.binary_bytes as f64]),
    );
    row(
        out,
        &format!("exec → handshake (ms, n={})", m.plugins[0].startup_ms.len()),
        &|p| cell(&p.startup_ms, 1.0, 1),
        pair(&|p| p.startup_ms.clone()),
    );
    row(
        out,
        "VmRSS after GetProviderSchema (MB)",
        &|p| cell(&p.rss_bytes, MB, 2),
        pair(&|p| p.rss_bytes.clone()),
    );
    row(
        out,
        "… of which RssAnon: heap, stacks (MB)",
        &|p| cell(&p.rss_anon_bytes, MB, 2),
        pair(&|p| p.rss_anon_bytes.clone()),
    );
    row(
        out,
        "… of which RssFile: mapped executable and libraries (MB)",
        &|p| cell(&p.rss_file_bytes, MB, 2),
        pair(&|p| p.rss_file_bytes.clone()),
    );
    row(
        out,
        "threads",
        &|p| cell(&p.threads, 1.0, 0),
        pair(&|p| p.threads.clone()),
    );
    row(
        out,
        "GetProviderSchema, first call (ms)",
        &|p| cell(&p.schema_cold_ms, 1.0, 2),
        pair(&|p| p.schema_cold_ms.clone()),
    );
    row(
        out,
        "GetProviderSchema, later calls (ms)",
        &|p| cell(&p.schema_warm_ms, 1.0, 2),
        pair(&|p| p.schema_warm_ms.clone()),
    );
    row(
        out,
        "GetProviderSchema response (bytes)",
        &|p| p.schema_bytes.to_string(),
        pair(&|p| vec![p.schema_bytes as f64]),
    );
    row(
        out,
        "`terraform providers schema -json` (ms)",
        &|p| cell(&p.cli_schema_ms, 1.0, 0),
        pair(&|p| p.cli_schema_ms.clone()),
    );
}

fn scale_tables(out: &mut String, m: &Measurements, chart: &str) {
    let _ = writeln!(
        out,
        "\n## 2. Scale\n\nOurs: the ACP provider against the emulator, a mix per workspace of \
         the workspace, 2 shares, 4 secrets, storage and 2 API keys. Floor: the same number of \
         `null_resource` objects (terraform-provider-null 2.1.2), run alternately with ours. \
         Wall time in seconds, median (min–max); peak is the largest peak resident set of any \
         provider process Terraform started during the command, as the kernel accounted it \
         when the process was reaped.\n"
    );
    let _ = writeln!(
        out,
        "| command | N | runs | ours (s) | floor (s) | ours / floor | ours peak (MB) | floor peak (MB) | platform calls / object |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for (op, name) in OPS.iter().enumerate() {
        for p in &m.scale {
            let calls = summarize(&p.ours[op].calls).median / p.n as f64;
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {} | {:.2} | {} | {} | {calls:.2} |",
                p.n,
                p.reps,
                cell(&p.ours[op].wall_s, 1.0, 2),
                cell(&p.floor[op].wall_s, 1.0, 2),
                floor_ratio(p, op),
                cell(&p.ours[op].peak_bytes, MB, 1),
                cell(&p.floor[op].peak_bytes, MB, 1),
            );
        }
    }
    let _ = writeln!(
        out,
        "\n### Where the time goes\n\nCPU seconds per command, median: Terraform core (terraform's \
         processes minus the providers'), the provider processes (exact: each provider runs under \
         a wrapper that records the kernel's account of the process it reaped) and the emulator (ours \
         only).\n\n| \
         command | N | ours: core | ours: provider | ours: emulator | floor: core | floor: \
         provider |\n|---|---|---|---|---|---|---|"
    );
    for (op, name) in OPS.iter().enumerate() {
        for p in &m.scale {
            let med = |v: &[f64]| format!("{:.2}", summarize(v).median);
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {} | {} | {} |",
                p.n,
                med(&p.ours[op].core_cpu),
                med(&p.ours[op].provider_cpu),
                med(&p.ours[op].emulator_cpu),
                med(&p.floor[op].core_cpu),
                med(&p.floor[op].provider_cpu),
            );
        }
    }
    let _ = writeln!(
        out,
        "\n### State size\n\nTerraform 1.0.3's local backend serialises the whole state and \
         rewrites `terraform.tfstate` after every resource it changes, so apply and destroy \
         cost Terraform core work proportional to N × state size: quadratic in N, and larger \
         for objects with more attributes. State file after apply, median. The matched floor \
         is the same `null_resource` objects with a `pad` trigger that brings their state to \
         ours in bytes per object; it runs alternately with the other two.\n\n| N | ours \
         (bytes / object) | floor (bytes / object) | ours / floor | matched floor (bytes / \
         object, pad) |\n|---|---|---|---|---|"
    );
    for p in &m.scale {
        let per_object = |v: &[f64]| summarize(v).median / p.n as f64;
        let ours = per_object(&p.ours[0].state_bytes);
        let floor = per_object(&p.floor[0].state_bytes);
        let matched = per_object(&p.matched[0].state_bytes);
        let ratio = if floor > 0.0 { ours / floor } else { f64::NAN };
        let _ = writeln!(
            out,
            "| {} | {ours:.0} | {floor:.0} | {ratio:.2} | {matched:.0} ({} characters) |",
            p.n, p.matched_pad
        );
    }
    let _ = writeln!(
        out,
        "\nWall time against the matched floor, seconds, median (min–max):\n\n| command | N | \
         ours (s) | matched floor (s) | ours / matched floor | matched floor: core CPU (s) \
         |\n|---|---|---|---|---|---|"
    );
    for (op, name) in OPS.iter().enumerate() {
        for p in &m.scale {
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {:.2} | {:.2} |",
                p.n,
                cell(&p.ours[op].wall_s, 1.0, 2),
                cell(&p.matched[op].wall_s, 1.0, 2),
                matched_ratio(p, op),
                summarize(&p.matched[op].core_cpu).median,
            );
        }
    }
    let _ = writeln!(
        out,
        "\n![wall time against N]({chart})\n\n### Growth with N\n\nFitted exponent b of \
         cost = a·N^b over all Ns (1 = linear; below 1 a fixed part such as Terraform's own \
         start-up still weighs), the marginal cost per extra object between the smallest and \
         largest N, and the cost ratio between consecutive Ns (linear growth would give the N \
         ratio).\n"
    );
    let ns: Vec<String> = m.scale.iter().map(|p| p.n.to_string()).collect();
    let _ = writeln!(
        out,
        "| cost | b (ours) | b (floor) | marginal ours | marginal floor | ratios between Ns ({}) |",
        ns.join(" → ")
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    let fmt_b = |b: Option<f64>| b.map_or("–".into(), |b| format!("{b:.2}"));
    for (op, name) in OPS.iter().enumerate() {
        let ours: Vec<(f64, f64)> = m
            .scale
            .iter()
            .map(|p| (p.n as f64, summarize(&p.ours[op].wall_s).median))
            .collect();
        let floor: Vec<(f64, f64)> = m
            .scale
            .iter()
            .map(|p| (p.n as f64, summarize(&p.floor[op].wall_s).median))
            .collect();
        let steps: Vec<String> = ours
            .windows(2)
            .zip(floor.windows(2))
            .map(|(a, b)| format!("{:.2} / {:.2}", a[1].1 / a[0].1, b[1].1 / b[0].1))
            .collect();
        let _ = writeln!(
            out,
            "| {name} wall time | {} | {} | {} ms/object | {} ms/object | ours / floor: {} |",
            fmt_b(growth_exponent(&ours)),
            fmt_b(growth_exponent(&floor)),
            marginal_slope(&ours).map_or("–".into(), |s| format!("{:.1}", s * 1000.0)),
            marginal_slope(&floor).map_or("–".into(), |s| format!("{:.1}", s * 1000.0)),
            steps.join(", ")
        );
    }
    for (name, b) in exponents(&m.scale) {
        if !name.ends_with("wall time") {
            let _ = writeln!(out, "| {name} | {} | | | | |", fmt_b(b));
        }
    }
}

fn calls_table(out: &mut String, m: &Measurements) {
    let _ = writeln!(
        out,
        "\n## 3. Platform calls of one refresh\n\nA no-change `terraform plan` of one workspace \
         with 40 secrets, 10 shares and 5 API keys (56 objects), counted by the emulator: **{} \
         calls**.\n\n| route | calls |\n|---|---|",
        m.calls.total
    );
    for (route, n) in &m.calls.per_route {
        let _ = writeln!(out, "| `{route}` | {n} |");
    }
}

fn cpu_table(out: &mut String, m: &Measurements) {
    let _ = writeln!(
        out,
        "\n## 4. Provider CPU per RPC\n\n`acp_workspace_secret` with its `timeouts` block, an \
         in-place update of the value; the provider library in-process, no platform calls, no \
         gRPC. Microseconds.\n\n| body | iterations | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|"
    );
    for c in &m.cpu {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            c.label,
            c.micros.len(),
            c.p(50.0),
            c.p(90.0),
            c.p(99.0),
            c.p(100.0)
        );
    }
}

fn load_table(out: &mut String, m: &Measurements) {
    let l = &m.load;
    let _ = writeln!(
        out,
        "\n## 5. Emulator throughput\n\n`acp-emulator` in its own process; the load from the \
         benchmark process over loopback, {} keep-alive HTTP/1.1 connections alternating `GET \
         /api/projects/<p>` and `GET /api/projects/<p>/permissions`, admin token.\n\n| requests | \
         failures | seconds | requests/s |\n|---|---|---|---|\n| {} | {} | {:.2} | {:.0} |",
        l.connections,
        l.completed,
        l.failures,
        l.elapsed.as_secs_f64(),
        l.per_second()
    );
}
