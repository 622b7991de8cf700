//! Measurement 1: the plugin process. Binary size, exec-to-handshake time, resident memory
//! after `GetProviderSchema`, that call's latency and response size, and the wall time of
//! `terraform providers schema -json`, each provider in turn (A B A B) so drift in machine
//! load hits both alike.

use std::path::{Path, PathBuf};
use std::time::Instant;

use magma_protocol::tfplugin6::get_provider_schema;
use prost::Message;

use crate::plugin::Plugin;
use crate::procfs::status_kb;
use crate::terraform::{Override, Workdir};

/// A provider taking part in the comparison.
#[derive(Clone, Debug)]
pub(crate) struct Contender {
    /// Short label for tables.
    pub(crate) label: String,
    /// The executable.
    pub(crate) binary: PathBuf,
    /// Its `required_providers` source address.
    pub(crate) source: String,
    /// Its local name.
    pub(crate) name: String,
}

/// Everything measured of one contender, in milliseconds and bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct PluginResult {
    /// Label of the contender.
    pub(crate) label: String,
    /// Size of the executable.
    pub(crate) binary_bytes: u64,
    /// Protocol version the handshake announced.
    pub(crate) protocol: u32,
    /// Exec-to-handshake times.
    pub(crate) startup_ms: Vec<f64>,
    /// `VmRSS` right after the first `GetProviderSchema` answered.
    pub(crate) rss_bytes: Vec<f64>,
    /// `RssAnon` (heap, stacks) at the same moment.
    pub(crate) rss_anon_bytes: Vec<f64>,
    /// `RssFile` (pages of the executable and libraries) at the same moment.
    pub(crate) rss_file_bytes: Vec<f64>,
    /// Threads at the same moment.
    pub(crate) threads: Vec<f64>,
    /// Latency of the first `GetProviderSchema` of a fresh process.
    pub(crate) schema_cold_ms: Vec<f64>,
    /// Latency of later `GetProviderSchema` calls on the same connection.
    pub(crate) schema_warm_ms: Vec<f64>,
    /// Encoded size of the `GetProviderSchema` response.
    pub(crate) schema_bytes: usize,
    /// Wall time of `terraform providers schema -json`.
    pub(crate) cli_schema_ms: Vec<f64>,
}

/// How many repetitions of each part.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PluginPlan {
    /// Process starts per contender.
    pub(crate) starts: usize,
    /// Fresh processes asked for their schema, per contender.
    pub(crate) schema_processes: usize,
    /// Extra schema calls per process, for the warm latency.
    pub(crate) warm_calls: usize,
    /// `terraform providers schema -json` runs per contender.
    pub(crate) cli_runs: usize,
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs measurement 1 over `contenders`, interleaved.
pub(crate) fn measure(
    contenders: &[Contender],
    plan: PluginPlan,
    terraform: &Path,
) -> Result<Vec<PluginResult>, String> {
    let mut results: Vec<PluginResult> = contenders
        .iter()
        .map(|c| PluginResult {
            label: c.label.clone(),
            binary_bytes: std::fs::metadata(&c.binary).map(|m| m.len()).unwrap_or(0),
            ..PluginResult::default()
        })
        .collect();

    for _ in 0..plan.starts {
        for (c, r) in contenders.iter().zip(results.iter_mut()) {
            let plugin = Plugin::start(&c.binary)?;
            r.startup_ms.push(ms(plugin.startup));
            r.protocol = plugin.protocol;
        }
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    for _ in 0..plan.schema_processes {
        for (c, r) in contenders.iter().zip(results.iter_mut()) {
            let plugin = Plugin::start(&c.binary)?;
            if plugin.protocol != 6 {
                return Err(format!(
                    "{} chose protocol {}, not 6",
                    c.label, plugin.protocol
                ));
            }
            runtime.block_on(schema_calls(&plugin, plan.warm_calls, r))?;
        }
    }

    for _ in 0..plan.cli_runs {
        for (c, r) in contenders.iter().zip(results.iter_mut()) {
            let dir = Workdir::new(
                terraform,
                &[Override {
                    source: c.source.clone(),
                    name: c.name.clone(),
                    binary: c.binary.clone(),
                }],
            )?;
            dir.write_config("")?;
            let started = Instant::now();
            let json = dir.output(&["providers", "schema", "-json"])?;
            r.cli_schema_ms.push(ms(started.elapsed()));
            if !String::from_utf8_lossy(&json).contains("resource_schemas") {
                return Err(format!(
                    "{}: providers schema -json printed no schemas",
                    c.label
                ));
            }
        }
    }
    Ok(results)
}

async fn schema_calls(plugin: &Plugin, warm: usize, r: &mut PluginResult) -> Result<(), String> {
    let mut client = plugin.provider_client().await?;
    let started = Instant::now();
    let response = client
        .get_provider_schema(get_provider_schema::Request::default())
        .await
        .map_err(|e| format!("GetProviderSchema of {}: {e}", r.label))?
        .into_inner();
    r.schema_cold_ms.push(ms(started.elapsed()));
    let field = |name: &str| status_kb(plugin.pid(), name).unwrap_or(0) as f64;
    r.rss_bytes.push(field("VmRSS"));
    r.rss_anon_bytes.push(field("RssAnon"));
    r.rss_file_bytes.push(field("RssFile"));
    r.threads.push(field("Threads") / 1024.0);
    r.schema_bytes = response.encoded_len();
    for _ in 0..warm {
        let started = Instant::now();
        client
            .get_provider_schema(get_provider_schema::Request::default())
            .await
            .map_err(|e| format!("GetProviderSchema of {}: {e}", r.label))?;
        r.schema_warm_ms.push(ms(started.elapsed()));
    }
    Ok(())
}
