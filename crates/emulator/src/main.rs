//! `acp-emulator`: serves the emulated ACP backend and prints its URL once ready.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use acp_emulator::{serve_until, shutdown_signal, Config, SharedState, UserToken};
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
    let config = Config {
        admin_token: args.token,
        users: args.users,
        openshift: args.openshift,
        terminating_period: Duration::from_secs(args.terminating_seconds),
        state_file: args.state_file,
        access_cache: args.access_cache,
    };
    match run(args.listen, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("acp-emulator: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(listen: SocketAddr, config: Config) -> std::io::Result<()> {
    let state = SharedState::new(config)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    // The one line on stdout: whoever started us waits for it to learn the URL.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "http://{}", listener.local_addr()?)?;
    stdout.flush()?;
    drop(stdout);
    serve_until(listener, state, shutdown_signal()).await
}
