//! `make release-local` packages what the registry needs, and Terraform installs the package:
//! artefact names, manifest and checksums, then `terraform init` from a filesystem mirror
//! holding the zip and a `terraform plan` against the emulator with the installed binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::Harness;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs `scripts/release-local.sh` into `out`, packaging the provider binary this test run
/// already built.
///
/// Why not the release profile: a release build (LTO, one codegen unit) takes minutes on the
/// two-core machines this suite runs on, and running cargo from inside `cargo test` would
/// contend for the target directory's lock. The script's packaging steps are the same for
/// any binary, which is what this test checks; `make release-local` builds the real thing.
fn release_local(out: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("bash")
        .arg(root.join("scripts/release-local.sh"))
        .args(["--binary", env!("CARGO_BIN_EXE_terraform-provider-acp")])
        .arg("--out")
        .arg(out)
        .env_remove("GPG_FINGERPRINT")
        .output()
        .expect("run release-local.sh");
    assert!(
        output.status.success(),
        "release-local.sh failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dist")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn zip_name() -> String {
    format!("terraform-provider-acp_{VERSION}_linux_amd64.zip")
}

#[test]
fn release_artefacts_install_from_a_filesystem_mirror_and_plan() {
    let h = Harness::new("release-local");
    let dist = h.dir.path().join("dist");
    release_local(&dist);

    // Names as the registry expects them; no signature without GPG_FINGERPRINT.
    let manifest = format!("terraform-provider-acp_{VERSION}_manifest.json");
    let sums = format!("terraform-provider-acp_{VERSION}_SHA256SUMS");
    let mut expected = vec![zip_name(), manifest.clone(), sums.clone()];
    expected.sort();
    assert_eq!(file_names(&dist), expected);

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dist.join(&manifest)).expect("manifest"))
            .expect("manifest is JSON");
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    let sums_text = std::fs::read_to_string(dist.join(&sums)).expect("SHA256SUMS");
    let mut listed: Vec<&str> = sums_text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    listed.sort();
    let mut want = vec![
        zip_name(),
        format!("terraform-provider-acp_{VERSION}_manifest.json"),
    ];
    want.sort();
    assert_eq!(listed, want);
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", &sums])
        .current_dir(&dist)
        .output()
        .expect("run sha256sum");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let listing = Command::new("python3")
        .args(["-m", "zipfile", "-l"])
        .arg(dist.join(zip_name()))
        .output()
        .expect("list the zip");
    let listing = String::from_utf8_lossy(&listing.stdout);
    let entries: Vec<&str> = listing
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(entries, vec![format!("terraform-provider-acp_v{VERSION}")]);

    install_and_plan(&h, &dist);
}

/// `terraform init` from a packed filesystem mirror, then a plan that runs the installed
/// binary against the emulator.
fn install_and_plan(h: &Harness, dist: &Path) {
    let mirror: PathBuf = h.dir.path().join("mirror");
    let package_dir = mirror.join("registry.terraform.io/ambient-code/acp");
    std::fs::create_dir_all(&package_dir).expect("mirror dir");
    std::fs::copy(dist.join(zip_name()), package_dir.join(zip_name())).expect("copy zip");
    // Replaces the harness's dev_overrides: only the mirror can supply the provider now.
    let cli_config = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    \
         include = [\"registry.terraform.io/ambient-code/acp\"]\n  }}\n}}\n",
        mirror.display()
    );
    std::fs::write(h.dir.path().join("cli.tfrc"), cli_config).expect("write cli config");
    h.write_config("resource \"acp_workspace\" \"team\" {\n  name = \"team-alpha\"\n}\n");

    let init = h.ok(&["init", "-no-color"]);
    assert!(
        init.contains(&format!("Installed ambient-code/acp v{VERSION}")),
        "{init}"
    );
    let installed = h.dir.path().join(format!(
        ".terraform/providers/registry.terraform.io/ambient-code/acp/{VERSION}/linux_amd64/\
         terraform-provider-acp_v{VERSION}"
    ));
    assert!(installed.is_file(), "{} missing", installed.display());

    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("acp_workspace.team will be created"),
        "{plan}"
    );
    assert!(h.emulator.state().is_empty(), "a plan creates nothing");
}
