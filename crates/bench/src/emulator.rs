//! The platform emulator as a separate process (`acp-emulator`), and its request counters.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::http;

/// The admin token every benchmark emulator is started with.
pub(crate) const TOKEN: &str = "bench-admin-token";

/// A running `acp-emulator` process; killed on drop.
pub(crate) struct EmulatorProcess {
    child: Child,
    /// Its base URL, e.g. `http://127.0.0.1:41235`.
    pub(crate) url: String,
}

impl EmulatorProcess {
    /// Starts `binary` on a free loopback port and waits for the URL line.
    pub(crate) fn start(binary: &Path) -> Result<EmulatorProcess, String> {
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--token", TOKEN])
            .args(["--terminating-seconds", "0"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("stdout not piped")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("read emulator URL: {e}"))?;
        let url = line.trim().to_string();
        if !url.starts_with("http://") {
            let _ = child.kill();
            return Err(format!("emulator printed {line:?} instead of its URL"));
        }
        Ok(EmulatorProcess { child, url })
    }

    /// CPU seconds the emulator has used so far.
    pub(crate) fn cpu_seconds(&self) -> f64 {
        crate::procfs::cpu_seconds(self.child.id()).unwrap_or(0.0)
    }

    /// Sets every request counter back to zero.
    pub(crate) fn reset_stats(&self) -> Result<(), String> {
        let (status, _) = http::once(&self.url, "DELETE", "/_emulator/stats", TOKEN)?;
        (status == 204)
            .then_some(())
            .ok_or_else(|| format!("DELETE /_emulator/stats answered {status}"))
    }

    /// The counters: total and per route.
    pub(crate) fn stats(&self) -> Result<serde_json::Value, String> {
        let (status, body) = http::once(&self.url, "GET", "/_emulator/stats", TOKEN)?;
        if status != 200 {
            return Err(format!("GET /_emulator/stats answered {status}"));
        }
        serde_json::from_slice(&body).map_err(|e| format!("stats JSON: {e}"))
    }

    /// Total requests since the last reset.
    pub(crate) fn total_requests(&self) -> Result<u64, String> {
        Ok(self.stats()?["total"].as_u64().unwrap_or(0))
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
