//! Reading process memory from `/proc`, and watching the peak memory of a process tree while
//! it runs (Terraform starts its provider several times per command; the watcher sees each).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A `kB` field of `/proc/<pid>/status` (e.g. `VmRSS`, `VmHWM`), in bytes.
pub(crate) fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text
        .lines()
        .find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Clock ticks per second of the times in `/proc/<pid>/stat` (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// The numeric fields of `/proc/<pid>/stat` after the command name (field 3 onwards).
fn stat_fields(pid: &str) -> Option<Vec<u64>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let close = text.rfind(')')?;
    Some(
        text[close + 2..]
            .split_whitespace()
            .skip(1)
            .map(|f| f.parse().unwrap_or(0))
            .collect(),
    )
}

/// User plus system CPU seconds `pid` has used so far.
pub(crate) fn cpu_seconds(pid: u32) -> Option<f64> {
    let f = stat_fields(&pid.to_string())?;
    Some((f.get(10)? + f.get(11)?) as f64 / TICKS_PER_SECOND)
}

/// User plus system CPU seconds of this process's children that have been waited for,
/// including their own waited-for descendants.
pub(crate) fn children_cpu_seconds() -> f64 {
    stat_fields("self")
        .and_then(|f| Some((f.get(12)? + f.get(13)?) as f64 / TICKS_PER_SECOND))
        .unwrap_or(0.0)
}

/// Parent pid and command name of `pid`, from `/proc/<pid>/stat`.
fn parent_and_name(pid: u32) -> Option<(u32, String)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text[open + 1..close].to_string();
    let ppid = text[close + 2..].split_whitespace().nth(1)?.parse().ok()?;
    Some((ppid, name))
}

/// Pids of the descendants of `root` whose command name starts with `prefix`. Terraform
/// re-executes itself under a crash-reporting wrapper, so its providers are grandchildren of the
/// process we started.
fn descendants_named(root: u32, prefix: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let table: Vec<(u32, u32, String)> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| parent_and_name(pid).map(|(ppid, name)| (pid, ppid, name)))
        .collect();
    let mut family = vec![root];
    let mut found = Vec::new();
    while let Some(parent) = family.pop() {
        for (pid, _, name) in table.iter().filter(|(_, ppid, _)| *ppid == parent) {
            family.push(*pid);
            if name.starts_with(prefix) {
                found.push(*pid);
            }
        }
    }
    found
}

/// Samples, every `period`, the peak resident memory (`VmHWM`) of the descendants of a process
/// whose name starts with a prefix, until stopped.
pub(crate) struct PeakWatcher {
    stop: Arc<AtomicBool>,
    peaks: Arc<Mutex<HashMap<u32, (u64, f64)>>>,
    thread: Option<JoinHandle<()>>,
}

impl PeakWatcher {
    /// Starts watching the descendants of `parent` named `prefix*`. Linux truncates command names
    /// to 15 bytes, so a prefix of at most that length must be given.
    pub(crate) fn start(parent: u32, prefix: &str, period: Duration) -> PeakWatcher {
        let stop = Arc::new(AtomicBool::new(false));
        let peaks = Arc::new(Mutex::new(HashMap::new()));
        let (stop2, peaks2, prefix) = (stop.clone(), peaks.clone(), prefix.to_string());
        let thread = std::thread::spawn(move || {
            let mut known: Vec<u32> = Vec::new();
            let mut round = 0u32;
            while !stop2.load(Ordering::Relaxed) {
                // Scanning all of /proc costs far more than reading a few status files: look
                // for new processes every fourth round, sample the known ones every round.
                if round % 4 == 0 {
                    known = descendants_named(parent, &prefix);
                }
                round += 1;
                for pid in &known {
                    if let (Some(hwm), Some(cpu)) = (status_kb(*pid, "VmHWM"), cpu_seconds(*pid)) {
                        let mut map = peaks2.lock().unwrap_or_else(|p| p.into_inner());
                        let entry: &mut (u64, f64) = map.entry(*pid).or_insert((0, 0.0));
                        *entry = (entry.0.max(hwm), entry.1.max(cpu));
                    }
                }
                std::thread::sleep(period);
            }
        });
        PeakWatcher {
            stop,
            peaks,
            thread: Some(thread),
        }
    }

    /// Stops watching; returns the largest peak seen (bytes) and the CPU seconds of all the
    /// processes seen, as of their last sample (up to one period before each exited).
    pub(crate) fn finish(mut self) -> (u64, f64) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let map = self.peaks.lock().unwrap_or_else(|p| p.into_inner());
        (
            map.values().map(|v| v.0).max().unwrap_or(0),
            map.values().map(|v| v.1).sum(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_cpu_time() {
        let spin = std::time::Instant::now();
        while spin.elapsed() < Duration::from_millis(30) {}
        assert!(cpu_seconds(std::process::id()).unwrap() > 0.0);
        assert!(children_cpu_seconds() >= 0.0);
    }

    #[test]
    fn reads_own_memory() {
        let rss = status_kb(std::process::id(), "VmRSS").unwrap();
        assert!(rss > 0);
        assert!(status_kb(std::process::id(), "NoSuchField").is_none());
    }
}
