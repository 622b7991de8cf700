//! `acp-bench` started under a provider's file name with the wrapper environment: it must run
//! the wrapped program with the same arguments, leave with its exit status, and record the
//! program's CPU time and peak memory.

use std::process::Command;

#[test]
fn the_provider_wrapper_passes_arguments_and_status_and_records_the_account() {
    let dir = tempfile::tempdir().expect("temp dir");
    let records = dir.path().join("accounts");
    std::fs::create_dir(&records).expect("records dir");
    let wrapper = dir.path().join("terraform-provider-example");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_acp-bench"), &wrapper).expect("symlink");

    // The wrapped program burns some CPU and then exits with a status taken from its
    // arguments, so both the arguments and the status must pass through the wrapper.
    let status = Command::new(&wrapper)
        .env("ACP_BENCH_WRAPPED", "/bin/sh")
        .env("ACP_BENCH_RECORDS", &records)
        .args([
            "-c",
            "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; exit \"$0\"",
            "7",
        ])
        .status()
        .expect("run the wrapper");
    assert_eq!(status.code(), Some(7));

    let entries: Vec<_> = std::fs::read_dir(&records)
        .expect("read records")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(entries.len(), 1, "one record per wrapped process");
    let text = std::fs::read_to_string(&entries[0]).expect("read record");
    let fields: Vec<f64> = text
        .split_whitespace()
        .map(|f| f.parse().expect("number"))
        .collect();
    assert_eq!(fields.len(), 2, "{text}");
    assert!(fields[0] > 0.0, "the loop's CPU time was recorded: {text}");
    assert!(
        fields[1] > 100_000.0,
        "a peak resident set in bytes: {text}"
    );
}
