//! The acceptance-test harness: a temp dir per test, a fresh emulator, the real `terraform`
//! CLI pointed at the freshly built provider through `dev_overrides`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use acp_emulator::{Config, Emulator};

/// The user name the provider sends; the emulator records it as the workspace creator.
pub const USERNAME: &str = "alice@example.com";

/// The pinned Terraform binary, fetched once per test run by the project's own script
/// (or the binary named by `TF_ACC_TERRAFORM_PATH`).
pub fn terraform_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/fetch-terraform.sh");
        let out = Command::new("bash")
            .arg(script)
            .output()
            .expect("run fetch-terraform.sh");
        assert!(
            out.status.success(),
            "fetching terraform failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
}

/// The directory holding the provider binary Cargo built for this test run.
fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-acp"))
        .parent()
        .expect("binary has a parent directory")
        .to_path_buf()
}

/// One test's world: a working directory, an emulator and a CLI configuration.
pub struct Harness {
    /// The working directory (kept on failure for inspection via its path in messages).
    pub dir: tempfile::TempDir,
    /// The emulator the provider talks to.
    pub emulator: Emulator,
    extra_env: Vec<(String, String)>,
}

impl Harness {
    /// A harness with a default (vanilla Kubernetes) emulator.
    pub fn new(test: &str) -> Harness {
        Harness::with_emulator(test, Config::default())
    }

    /// A harness with an emulator configured by the test.
    pub fn with_emulator(test: &str, config: Config) -> Harness {
        let dir = tempfile::Builder::new()
            .prefix(&format!("acc-{test}-"))
            .tempdir()
            .expect("temp dir");
        let cli_config = format!(
            "provider_installation {{\n  dev_overrides {{\n    \"ambient-code/acp\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            provider_dir().display()
        );
        std::fs::write(dir.path().join("cli.tfrc"), cli_config).expect("write cli config");
        let emulator = Emulator::start(config).expect("start emulator");
        Harness {
            dir,
            emulator,
            extra_env: Vec::new(),
        }
    }

    /// Sets an environment variable for every terraform command of this harness.
    pub fn env(&mut self, key: &str, value: &str) {
        self.extra_env.push((key.to_string(), value.to_string()));
    }

    /// Writes `main.tf`: the provider requirement followed by `body`.
    pub fn write_config(&self, body: &str) {
        let header = "terraform {\n  required_providers {\n    acp = { source = \"ambient-code/acp\" }\n  }\n}\n\n";
        std::fs::write(self.dir.path().join("main.tf"), format!("{header}{body}"))
            .expect("write main.tf");
    }

    /// A terraform command with this harness's working directory and environment, not yet
    /// started.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(terraform_binary());
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env("ACP_ENDPOINT", self.emulator.url())
            .env("ACP_TOKEN", self.emulator.admin_token())
            .env("ACP_USERNAME", USERNAME)
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER");
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs terraform with the given arguments and returns its output, whatever the outcome.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run terraform")
    }

    /// Starts terraform in the background, in a process group of its own (so that a test can
    /// signal the group as a terminal signals its foreground job, without hitting the test
    /// runner). stdout and stderr go together to `<label>.log` in the working directory.
    pub fn spawn(&self, label: &str, args: &[&str]) -> Background {
        use std::os::unix::process::CommandExt as _;
        let log = self.dir.path().join(format!("{label}.log"));
        let file = std::fs::File::create(&log).expect("create the output log");
        let child = self
            .command(args)
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("clone the log handle"))
            .stderr(file)
            .spawn()
            .expect("start terraform");
        Background { child, log }
    }

    /// Runs terraform and panics with its output unless it succeeds.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "terraform {args:?} failed in {}:\n{}\n{}",
            self.dir.path().display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `terraform apply -auto-approve`, which must succeed.
    pub fn apply(&self) -> String {
        self.ok(&["apply", "-auto-approve", "-no-color"])
    }

    /// `terraform destroy -auto-approve`, which must succeed.
    pub fn destroy(&self) -> String {
        self.ok(&["destroy", "-auto-approve", "-no-color"])
    }

    /// Exit code of `terraform plan -detailed-exitcode` (0 no changes, 2 changes, 1 error),
    /// with the combined output.
    pub fn plan(&self) -> (i32, String) {
        let out = self.run(&["plan", "-detailed-exitcode", "-no-color"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    }

    /// Asserts that a plan right now shows no changes.
    pub fn assert_empty_plan(&self) {
        let (code, text) = self.plan();
        assert_eq!(code, 0, "expected an empty plan, got:\n{text}");
    }

    /// The values of one resource in state, from `terraform show -json`.
    pub fn state_values(&self, address: &str) -> serde_json::Value {
        let json: serde_json::Value =
            serde_json::from_str(&self.ok(&["show", "-json"])).expect("show -json is JSON");
        let resources = json["values"]["root_module"]["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        resources
            .into_iter()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
            .unwrap_or(serde_json::Value::Null)
    }

    /// Deletes local state, as if the configuration had never been applied here.
    pub fn forget_state(&self) {
        let _ = std::fs::remove_file(self.dir.path().join("terraform.tfstate"));
        let _ = std::fs::remove_file(self.dir.path().join("terraform.tfstate.backup"));
    }
}

/// A terraform process started by [`Harness::spawn`]; killed if still running when dropped,
/// so that a failing test leaves nothing behind.
pub struct Background {
    child: Child,
    log: PathBuf,
}

impl Background {
    /// The process id, which is also the id of its process group.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `true` while the process has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits up to `limit` for the process to exit; `None` if it is still running then.
    pub fn wait_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything the process wrote so far, stdout and stderr interleaved.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if self.is_running() {
            // The whole group: terraform re-executes itself under a crash handler, so the
            // process started here is only the outer one of terraform's processes.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .status();
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
