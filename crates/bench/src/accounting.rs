//! Exact CPU time and peak memory of the provider processes Terraform starts.
//!
//! Sampling `/proc` misses a process's last moments and, for processes that live less than a
//! sampling round (Terraform starts a provider just to validate), the whole process; the loss
//! is a fixed amount per process, which makes small runs look cheaper than they are and bends
//! the fitted growth upwards. Instead, Terraform is pointed at `acp-bench` itself under the
//! provider's file name: started that way, `acp-bench` runs the real provider as its only
//! child, reaps it and records the kernel's account of it (`getrusage` of the children: CPU to
//! the microsecond and the peak resident set), then exits with the provider's status.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Environment variable naming the real provider binary; its presence makes `acp-bench` act
/// as the wrapper.
pub(crate) const WRAPPED: &str = "ACP_BENCH_WRAPPED";
/// Environment variable naming the directory the wrapper writes its record into.
pub(crate) const RECORDS: &str = "ACP_BENCH_RECORDS";

/// What the kernel accounted for one reaped provider process.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Account {
    /// User plus system CPU seconds.
    pub(crate) cpu_seconds: f64,
    /// Peak resident set, bytes.
    pub(crate) peak_bytes: u64,
}

/// When this process was started as a provider wrapper, runs the wrapped provider to its end
/// and returns the exit code to leave with; `None` for an ordinary `acp-bench` run.
pub(crate) fn run_as_wrapper() -> Option<i32> {
    let real = std::env::var_os(WRAPPED)?;
    let records = PathBuf::from(std::env::var_os(RECORDS)?);
    Some(match wrap(Path::new(&real), &records) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("acp-bench wrapper: {message}");
            1
        }
    })
}

fn wrap(real: &Path, records: &Path) -> Result<i32, String> {
    use nix::sys::resource::{getrusage, UsageWho};

    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let mut child = std::process::Command::new(real)
        .args(args)
        .env_remove(WRAPPED)
        .env_remove(RECORDS)
        .spawn()
        .map_err(|e| format!("start {}: {e}", real.display()))?;
    let status = child.wait().map_err(|e| format!("wait: {e}"))?;
    // The provider is this process's only child, so the children's totals are its own.
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(|e| format!("getrusage: {e}"))?;
    let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    let account = Account {
        cpu_seconds: seconds(usage.user_time()) + seconds(usage.system_time()),
        // Linux reports the peak resident set in kilobytes.
        peak_bytes: usage.max_rss().max(0) as u64 * 1024,
    };
    std::fs::write(
        records.join(child.id().to_string()),
        format!("{} {}\n", account.cpu_seconds, account.peak_bytes),
    )
    .map_err(|e| format!("{}: {e}", records.display()))?;
    Ok(match status.code() {
        Some(code) => code,
        None => {
            use std::os::unix::process::ExitStatusExt;
            128 + status.signal().unwrap_or(0)
        }
    })
}

/// Reads and removes every record in `records`, so that the next command starts from nothing.
pub(crate) fn take_accounts(records: &Path) -> Result<Vec<Account>, String> {
    let mut accounts = Vec::new();
    for entry in std::fs::read_dir(records).map_err(|e| format!("{}: {e}", records.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        accounts.push(
            parse(&text)
                .ok_or_else(|| format!("{}: unexpected record {text:?}", path.display()))?,
        );
        std::fs::remove_file(&path).map_err(|e| e.to_string())?;
    }
    Ok(accounts)
}

fn parse(text: &str) -> Option<Account> {
    let mut fields = text.split_whitespace();
    let account = Account {
        cpu_seconds: fields.next()?.parse().ok()?,
        peak_bytes: fields.next()?.parse().ok()?,
    };
    fields.next().is_none().then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_parse_and_are_taken_once() {
        assert_eq!(
            parse("0.012345 7340032\n"),
            Some(Account {
                cpu_seconds: 0.012345,
                peak_bytes: 7_340_032
            })
        );
        assert_eq!(parse("0.1"), None);
        assert_eq!(parse("0.1 2 3"), None);

        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("1"), "0.5 1024\n").expect("write");
        std::fs::write(dir.path().join("2"), "0.25 2048\n").expect("write");
        let mut taken = take_accounts(dir.path()).expect("take");
        taken.sort_by(|a, b| a.cpu_seconds.total_cmp(&b.cpu_seconds));
        assert_eq!(taken.len(), 2);
        assert_eq!(taken[1].peak_bytes, 1024);
        assert!(take_accounts(dir.path()).expect("again").is_empty());
    }
}
