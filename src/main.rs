//! Entry point of `terraform-provider-acp`: starts the plugin server for Terraform, or with
//! `--debug` for a debugger.

use std::process::ExitCode;

use terraform_provider_acp::provider::AcpProvider;
use terraform_provider_acp::server::{self, logging, Mode};

fn main() -> ExitCode {
    let mode = match std::env::args().nth(1).as_deref() {
        None => Mode::Plugin,
        Some("--debug") => Mode::Debug,
        Some(other) => {
            eprintln!("unknown argument {other:?}; the only flag is --debug");
            return ExitCode::FAILURE;
        }
    };
    logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::serve(AcpProvider, mode)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
