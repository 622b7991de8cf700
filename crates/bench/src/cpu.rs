//! Measurement 4: provider CPU per RPC, without platform calls. The provider's own library
//! decodes the three `DynamicValue`s of a `PlanResourceChange` for `acp_workspace_secret`
//! (prior state, proposed state, config; msgpack), validates the config, plans from the schema
//! and encodes the planned state, as the gRPC handler does; and, for `ReadResource`, decodes and
//! re-encodes a state. The resource's own `modify_plan` (which may consult the platform) is not
//! included.

use std::hint::black_box;
use std::time::Instant;

use terraform_provider_acp::framework::codec::{from_json, from_msgpack, to_msgpack};
use terraform_provider_acp::framework::plan::{plan_from_schema, validate_config};
use terraform_provider_acp::framework::{Resource, Schema, Type, Value};
use terraform_provider_acp::platform::Platform;
use terraform_provider_acp::resources::workspace_secret::WorkspaceSecretResource;

use crate::stats::percentile;

/// Per-call times of one RPC body, in microseconds, sorted.
#[derive(Clone, Debug, Default)]
pub(crate) struct CpuResult {
    /// What was timed.
    pub(crate) label: String,
    /// Sorted per-iteration times.
    pub(crate) micros: Vec<f64>,
}

impl CpuResult {
    /// The `p`-th percentile in microseconds.
    pub(crate) fn p(&self, p: f64) -> f64 {
        percentile(&self.micros, p)
    }
}

/// One timed RPC body; returns something derived from its output so it is not optimised away.
type Body<'a> = &'a dyn Fn() -> Result<usize, String>;

/// The served schema: the resource's own plus the `timeouts` block the server adds.
fn secret_schema() -> Schema {
    let resource: &dyn Resource<Platform> = &WorkspaceSecretResource;
    resource.schema().with_block(resource.timeouts().block())
}

fn value(json: &str, ty: &Type) -> Result<Value, String> {
    from_json(json.as_bytes(), ty).map_err(|e| e.to_string())
}

/// Times `iterations` plan and read bodies after a warm-up.
pub(crate) fn measure(iterations: usize) -> Result<Vec<CpuResult>, String> {
    let schema = secret_schema();
    let ty = schema.value_type();
    let prior = value(
        r#"{"id":"team-alpha/GITHUB_TOKEN","workspace":"team-alpha","name":"GITHUB_TOKEN",
            "kind":"integration","value":"ghp_old_value_0123456789abcdef"}"#,
        &ty,
    )?;
    let config = value(
        r#"{"workspace":"team-alpha","name":"GITHUB_TOKEN","value":"ghp_new_value_0123456789abcdef"}"#,
        &ty,
    )?;
    let proposed = value(
        r#"{"id":"team-alpha/GITHUB_TOKEN","workspace":"team-alpha","name":"GITHUB_TOKEN",
            "kind":"integration","value":"ghp_new_value_0123456789abcdef"}"#,
        &ty,
    )?;
    let wire = [
        to_msgpack(&prior, &ty),
        to_msgpack(&proposed, &ty),
        to_msgpack(&config, &ty),
    ];

    let plan_once = || -> Result<usize, String> {
        let decode = |b: &[u8]| from_msgpack(b, &ty).map_err(|e| e.to_string());
        let (prior, proposed, config) = (decode(&wire[0])?, decode(&wire[1])?, decode(&wire[2])?);
        let diags = validate_config(&schema, &config);
        let (planned, replace) = plan_from_schema(&schema, &prior, &config, proposed);
        Ok(to_msgpack(&planned, &ty).len() + replace.len() + usize::from(diags.has_errors()))
    };
    let read_once = || -> Result<usize, String> {
        let state = from_msgpack(&wire[0], &ty).map_err(|e| e.to_string())?;
        Ok(to_msgpack(&state, &ty).len())
    };

    let mut results = Vec::new();
    let bodies: [(&str, Body<'_>); 2] = [
        (
            "PlanResourceChange (decode 3, validate, plan, encode)",
            &plan_once,
        ),
        ("ReadResource codec (decode, encode)", &read_once),
    ];
    for (label, body) in bodies {
        for _ in 0..iterations / 10 {
            black_box(body()?);
        }
        let mut micros = Vec::with_capacity(iterations);
        for _ in 0..iterations {
            let started = Instant::now();
            black_box(body()?);
            micros.push(started.elapsed().as_secs_f64() * 1e6);
        }
        micros.sort_by(f64::total_cmp);
        results.push(CpuResult {
            label: label.to_string(),
            micros,
        });
    }
    Ok(results)
}
