//! Measurement 3: platform calls of a no-change plan that refreshes one workspace with 40
//! secrets, 10 shares and 5 API keys, counted by the emulator per route.

use std::collections::BTreeMap;
use std::path::Path;

use crate::configs;
use crate::emulator::{EmulatorProcess, TOKEN};
use crate::terraform::{Override, Workdir};

/// The calls the refresh made.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallCount {
    /// All platform requests.
    pub(crate) total: u64,
    /// Per `"<METHOD> <route>"`.
    pub(crate) per_route: BTreeMap<String, u64>,
}

/// Applies the busy workspace, then counts the calls of one no-change plan; destroys after.
pub(crate) fn measure(
    terraform: &Path,
    ours: &Path,
    emulator: &EmulatorProcess,
) -> Result<CallCount, String> {
    let mut dir = Workdir::new(
        terraform,
        &[Override {
            source: "ambient-code/acp".into(),
            name: "acp".into(),
            binary: ours.to_path_buf(),
        }],
    )?;
    dir.env("ACP_ENDPOINT", &emulator.url);
    dir.env("ACP_TOKEN", TOKEN);
    dir.env("ACP_USERNAME", "bench@example.com");
    dir.write_config(&configs::busy_workspace())?;
    dir.run(&["apply", "-auto-approve", "-no-color"], &[0])?;
    emulator.reset_stats()?;
    dir.run(&["plan", "-detailed-exitcode", "-no-color"], &[0])?;
    let stats = emulator.stats()?;
    dir.run(&["destroy", "-auto-approve", "-no-color"], &[0])?;
    let per_route = stats["requests"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    Ok(CallCount {
        total: stats["total"].as_u64().unwrap_or(0),
        per_route,
    })
}
