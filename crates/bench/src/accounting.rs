//! Exact CPU time of the provider processes Terraform starts.
//!
//! Sampling `/proc` misses a process's last moments and, for processes that live less than a
//! sampling round (Terraform starts a provider just to validate), the whole process; the loss
//! is a fixed amount per process, which makes small runs look cheaper than they are and bends
//! the fitted growth upwards. Instead, each provider is started through a small `sh` wrapper
//! that waits for it and then records, with the shell's `times` builtin, the CPU time of the
//! child it reaped (kernel accounting, complete to the last tick).

use std::path::{Path, PathBuf};

/// Writes an executable wrapper at `wrapper` that runs `real` with the wrapper's arguments and
/// environment and, once it has exited, writes its CPU time into a file of `out_dir` named
/// after the wrapper's pid. The exit status is passed on.
pub(crate) fn write_wrapper(wrapper: &Path, real: &Path, out_dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;

    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let script = format!(
        "#!/bin/sh\n{} \"$@\"\ncode=$?\ntimes > {}/$$\nexit $code\n",
        shell_quote(real),
        shell_quote(out_dir),
    );
    std::fs::write(wrapper, script).map_err(|e| format!("{}: {e}", wrapper.display()))?;
    std::fs::set_permissions(wrapper, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", wrapper.display()))
}

/// Sums the CPU seconds recorded in `out_dir` and empties it, so that the next command starts
/// from nothing. Returns the seconds and how many processes reported.
pub(crate) fn take_recorded_cpu(out_dir: &Path) -> Result<(f64, usize), String> {
    let entries: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .map_err(|e| format!("{}: {e}", out_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let mut total = 0.0;
    for path in &entries {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        total += children_times(&text)
            .ok_or_else(|| format!("{}: unexpected `times` output {text:?}", path.display()))?;
        std::fs::remove_file(path).map_err(|e| e.to_string())?;
    }
    Ok((total, entries.len()))
}

/// User plus system seconds of the children from the output of `times`: two lines, the
/// shell's own times and then its children's, each `<m>m<s>s <m>m<s>s`.
fn children_times(text: &str) -> Option<f64> {
    let children = text.lines().nth(1)?;
    children.split_whitespace().map(minutes_seconds).sum()
}

/// `1m2.500000s` → 62.5.
fn minutes_seconds(field: &str) -> Option<f64> {
    let (minutes, rest) = field.split_once('m')?;
    let seconds = rest.strip_suffix('s')?;
    Some(minutes.parse::<f64>().ok()? * 60.0 + seconds.parse::<f64>().ok()?)
}

/// `path` in single quotes for `sh`.
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_childrens_line_of_times() {
        let text = "0m0.000000s 0m0.001000s\n1m2.500000s 0m0.250000s\n";
        assert_eq!(children_times(text), Some(62.75));
        assert_eq!(children_times("0m0.1s 0m0.1s\n"), None);
        assert_eq!(minutes_seconds("0m1.5"), None);
    }

    #[test]
    fn the_wrapper_passes_arguments_and_status_and_records_cpu() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("cpu");
        let wrapper = dir.path().join("it's wrapped");
        // The wrapped program burns some CPU, then fails with a status taken from its
        // arguments, so both must have gone through the wrapper.
        let real = dir.path().join("real");
        std::fs::write(
            &real,
            "#!/bin/sh\ni=0\nwhile [ $i -lt 200000 ]; do i=$((i+1)); done\nexit \"$1\"\n",
        )
        .expect("write program");
        std::fs::set_permissions(&real, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
        write_wrapper(&wrapper, &real, &out).expect("wrapper");

        let status = std::process::Command::new(&wrapper)
            .arg("7")
            .status()
            .expect("run wrapper");
        assert_eq!(status.code(), Some(7));
        let (seconds, processes) = take_recorded_cpu(&out).expect("recorded");
        assert_eq!(processes, 1);
        assert!(seconds > 0.0, "the loop's CPU time was recorded");
        assert_eq!(take_recorded_cpu(&out).expect("emptied"), (0.0, 0));
    }
}
