//! The `acp-emulator` binary: prints its URL, serves, honours flags, exits on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::blocking::Client;
use serde_json::{json, Value};

struct Running {
    child: Child,
    url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_acp-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read url");
    Running {
        child,
        url: line.trim_end().to_owned(),
    }
}

#[test]
fn prints_its_url_and_serves_with_the_given_flags() {
    let running = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--token",
        "secret-admin",
        "--openshift",
        "--terminating-seconds",
        "0",
        "--user",
        "u-token=ursula:devs,system:masters",
    ]);
    assert!(
        running.url.starts_with("http://127.0.0.1:"),
        "{:?}",
        running.url
    );
    let http = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let info: Value = http
        .get(format!("{}/api/cluster-info", running.url))
        .send()
        .expect("info")
        .json()
        .expect("json");
    assert_eq!(info, json!({"isOpenShift": true, "vertexEnabled": false}));

    let created = http
        .post(format!("{}/api/projects", running.url))
        .bearer_auth("u-token")
        .header("X-Forwarded-User", "ursula")
        .json(&json!({"name": "mine"}))
        .send()
        .expect("create");
    assert_eq!(created.status().as_u16(), 201);
    let list: Value = http
        .get(format!("{}/api/projects", running.url))
        .bearer_auth("u-token")
        .send()
        .expect("list")
        .json()
        .expect("json");
    assert_eq!(list["items"][0]["displayName"], "mine");
    let wrong = http
        .get(format!("{}/api/projects/mine", running.url))
        .bearer_auth("admin-token")
        .send()
        .expect("get");
    assert_eq!(wrong.status().as_u16(), 500, "only --token is the admin");
}

#[cfg(unix)]
#[test]
fn exits_cleanly_on_sigterm_and_logs_without_secrets() {
    use std::io::Read;

    let mut running = spawn(&["--token", "topsecret"]);
    let http = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let reply = http
        .get(format!(
            "{}/api/projects/p/runner-secrets?token=topsecret",
            running.url
        ))
        .send()
        .expect("get");
    assert_eq!(reply.status().as_u16(), 200);

    let pid = running.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = running.child.wait().expect("wait");
    assert!(status.success(), "exit status {status:?}");
    let mut log = String::new();
    running
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("stderr text");
    assert!(log.contains("/api/projects/p/runner-secrets"), "{log}");
    assert!(log.contains("200"), "{log}");
    assert!(!log.contains("topsecret"), "{log}");
}

#[test]
fn rejects_a_malformed_user_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_acp-emulator"))
        .args(["--token", "t", "--user", "no-equals-sign"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
}
