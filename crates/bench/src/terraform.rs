//! Running the real `terraform` CLI in a throwaway directory whose CLI configuration points
//! `dev_overrides` at the provider binaries under test, timing each command and watching the
//! peak memory of the provider processes it starts.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::accounting;
use crate::procfs::{children_cpu_seconds, PeakWatcher};

/// A provider Terraform should load from a local binary instead of a registry.
#[derive(Clone, Debug)]
pub(crate) struct Override {
    /// Source address as written in `required_providers`, e.g. `ambient-code/acp`.
    pub(crate) source: String,
    /// Local name, e.g. `acp`.
    pub(crate) name: String,
    /// The provider executable.
    pub(crate) binary: PathBuf,
}

/// What one terraform command cost.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Run {
    /// Wall time of the whole command.
    pub(crate) wall: Duration,
    /// Largest `VmHWM` of any provider process the command started, in bytes.
    pub(crate) provider_peak: u64,
    /// CPU seconds of the provider processes: exact for a [`Workdir::accounted`] directory,
    /// otherwise sampled (missing up to one sampling period per process). The peak is exact
    /// in the same way.
    pub(crate) provider_cpu: f64,
    /// CPU seconds of terraform and everything it started (providers included).
    pub(crate) total_cpu: f64,
}

/// One working directory with its CLI configuration and environment.
pub(crate) struct Workdir {
    dir: tempfile::TempDir,
    terraform: PathBuf,
    env: Vec<(String, String)>,
    /// Where the providers' wrappers record their accounts, when they are wrapped.
    records: Option<PathBuf>,
}

/// Command-name prefix of provider processes (`/proc/<pid>/stat` keeps 15 bytes).
const PROVIDER_COMM: &str = "terraform-prov";

impl Workdir {
    /// A fresh directory whose `dev_overrides` serve `overrides`, each from its own folder
    /// holding one `terraform-provider-<name>` link to the binary.
    pub(crate) fn new(terraform: &Path, overrides: &[Override]) -> Result<Workdir, String> {
        Workdir::create(terraform, overrides, false)
    }

    /// Like [`Workdir::new`], but each provider is started through a wrapper that records its
    /// exact CPU time and peak memory (see [`crate::accounting`]); costs one extra process
    /// start per provider process.
    pub(crate) fn accounted(terraform: &Path, overrides: &[Override]) -> Result<Workdir, String> {
        Workdir::create(terraform, overrides, true)
    }

    fn create(terraform: &Path, overrides: &[Override], wrap: bool) -> Result<Workdir, String> {
        let dir = tempfile::Builder::new()
            .prefix("acp-bench-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let mut wrapped = None;
        let mut lines = String::from("provider_installation {\n  dev_overrides {\n");
        let mut required = String::from("terraform {\n  required_providers {\n");
        for o in overrides {
            let folder = dir.path().join("providers").join(&o.name);
            std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
            let binary = std::fs::canonicalize(&o.binary)
                .map_err(|e| format!("{}: {e}", o.binary.display()))?;
            let installed = folder.join(format!("terraform-provider-{}", o.name));
            let target = if wrap {
                // acp-bench acts as the wrapper when started under a provider's name with
                // the environment `run` gives terraform (see crate::accounting).
                wrapped = Some(binary);
                std::env::current_exe().map_err(|e| e.to_string())?
            } else {
                binary
            };
            std::os::unix::fs::symlink(target, installed).map_err(|e| e.to_string())?;
            lines += &format!("    \"{}\" = \"{}\"\n", o.source, folder.display());
            required += &format!("    {} = {{ source = \"{}\" }}\n", o.name, o.source);
        }
        lines += "  }\n  direct {}\n}\n";
        required += "  }\n}\n\n";
        std::fs::write(dir.path().join("cli.tfrc"), lines).map_err(|e| e.to_string())?;
        std::fs::write(dir.path().join("providers.tf"), required).map_err(|e| e.to_string())?;
        let mut env = Vec::new();
        let mut records = None;
        if let Some(real) = wrapped {
            let dir = dir.path().join("accounts");
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            env.push((accounting::WRAPPED.to_string(), real.display().to_string()));
            env.push((accounting::RECORDS.to_string(), dir.display().to_string()));
            records = Some(dir);
        }
        Ok(Workdir {
            dir,
            terraform: terraform.to_path_buf(),
            env,
            records,
        })
    }

    /// Size of the state file Terraform keeps in this directory, in bytes (0 before any apply).
    pub(crate) fn state_bytes(&self) -> u64 {
        std::fs::metadata(self.dir.path().join("terraform.tfstate")).map_or(0, |m| m.len())
    }

    /// Sets an environment variable for every command run here.
    pub(crate) fn env(&mut self, key: &str, value: &str) {
        self.env.push((key.to_string(), value.to_string()));
    }

    /// Writes `main.tf`.
    pub(crate) fn write_config(&self, body: &str) -> Result<(), String> {
        std::fs::write(self.dir.path().join("main.tf"), body).map_err(|e| e.to_string())
    }

    /// Runs `terraform <args>`, timing it and sampling its providers' memory. Fails unless the
    /// exit code is one of `accept`.
    pub(crate) fn run(&self, args: &[&str], accept: &[i32]) -> Result<Run, String> {
        let mut cmd = Command::new(&self.terraform);
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(records) = &self.records {
            accounting::take_accounts(records)?;
        }
        let cpu_before = children_cpu_seconds();
        let started = Instant::now();
        let child = cmd
            .spawn()
            .map_err(|e| format!("start {}: {e}", self.terraform.display()))?;
        let watcher = PeakWatcher::start(child.id(), PROVIDER_COMM, Duration::from_millis(25));
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        let wall = started.elapsed();
        let (sampled_peak, sampled_cpu) = watcher.finish();
        let (provider_peak, provider_cpu) = match &self.records {
            Some(records) => {
                let accounts = accounting::take_accounts(records)?;
                if accounts.is_empty() {
                    return Err(format!(
                        "terraform {args:?} started no provider that reported its account"
                    ));
                }
                (
                    accounts.iter().map(|a| a.peak_bytes).max().unwrap_or(0),
                    accounts.iter().map(|a| a.cpu_seconds).sum(),
                )
            }
            None => (sampled_peak, sampled_cpu),
        };
        let total_cpu = children_cpu_seconds() - cpu_before;
        let code = output.status.code().unwrap_or(-1);
        if !accept.contains(&code) {
            let tail = |b: &[u8]| {
                let text = String::from_utf8_lossy(b);
                let lines: Vec<&str> = text.lines().collect();
                lines[lines.len().saturating_sub(30)..].join("\n")
            };
            return Err(format!(
                "terraform {args:?} exited {code} in {}:\n{}\n{}",
                self.dir.path().display(),
                tail(&output.stdout),
                tail(&output.stderr)
            ));
        }
        Ok(Run {
            wall,
            provider_peak,
            provider_cpu,
            total_cpu,
        })
    }

    /// `terraform <args>` that must succeed, returning its stdout.
    pub(crate) fn output(&self, args: &[&str]) -> Result<Vec<u8>, String> {
        let out = Command::new(&self.terraform)
            .args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "terraform {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(out.stdout)
    }
}
