//! `acp-emulator`: serves the emulated ACP backend and prints its URL once ready.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use acp_emulator::{
    scheme, serve_until, shutdown_signal, Config, FaultPlan, FaultRule, SharedState, UserToken,
};
use clap::Parser;

/// Offline emulator of the Ambient Code Platform backend REST API.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Token of the cluster admin.
    #[arg(long)]
    token: String,
    /// Imitate OpenShift instead of vanilla Kubernetes.
    #[arg(long)]
    openshift: bool,
    /// Seconds a deleted project stays in "Terminating".
    #[arg(long, default_value_t = 2)]
    terminating_seconds: u64,
    /// Load state from this file at start and save it after every change.
    #[arg(long)]
    state_file: Option<PathBuf>,
    /// Extra user token, as TOKEN=USERNAME[:group1,group2]; may be repeated.
    #[arg(long = "user", value_name = "TOKEN=USERNAME[:GROUPS]")]
    users: Vec<UserToken>,
    /// Emulate the backend's 30 s access-review cache.
    #[arg(long)]
    access_cache: bool,
    /// Fault rule as comma-separated key=value pairs, e.g.
    /// 'route=/api/projects/*/keys,method=POST,status=503,rate=0.2'; may be repeated.
    /// Keys: route, method, action (status|latency|close|late|process_then_close|malformed),
    /// status, retry_after, body, latency_ms, delay_ms, shape (for malformed: invalid_json,
    /// html, empty, null, empty_object, null_fields, extra_fields, stale_list), rate, count.
    #[arg(long = "fault", value_name = "SPEC")]
    faults: Vec<FaultRule>,
    /// Seed of the fault decisions, to replay a run; without it one is picked and logged.
    #[arg(long, value_name = "N")]
    fault_seed: Option<u64>,
    /// PEM certificate chain: serve HTTPS instead of HTTP (needs --tls-key).
    #[arg(long, value_name = "PATH", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "PATH", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match read_pem_pair(cert, key) {
            Ok(pair) => Some(pair),
            Err(err) => {
                eprintln!("acp-emulator: {err}");
                return ExitCode::FAILURE;
            }
        },
        _ => None,
    };
    let config = Config {
        admin_token: args.token,
        users: args.users,
        openshift: args.openshift,
        terminating_period: Duration::from_secs(args.terminating_seconds),
        state_file: args.state_file,
        access_cache: args.access_cache,
        faults: FaultPlan {
            seed: args.fault_seed,
            rules: args.faults,
        },
        tls,
    };
    match run(args.listen, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("acp-emulator: {err}");
            ExitCode::FAILURE
        }
    }
}

fn read_pem_pair(cert: &Path, key: &Path) -> std::io::Result<(String, String)> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|err| {
            std::io::Error::new(err.kind(), format!("cannot read {}: {err}", path.display()))
        })
    };
    Ok((read(cert)?, read(key)?))
}

async fn run(listen: SocketAddr, config: Config) -> std::io::Result<()> {
    let scheme = scheme(&config);
    let state = SharedState::new(config)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    // The one line on stdout: whoever started us waits for it to learn the URL.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{scheme}://{}", listener.local_addr()?)?;
    stdout.flush()?;
    drop(stdout);
    serve_until(listener, state, shutdown_signal()).await
}
