//! RPC-level behaviour: every protocol 6.10 RPC answers, configuration errors name the
//! setting, and StopProvider cancels work in flight.

use std::time::{Duration, Instant};

use magma_protocol::tfplugin6 as pb;
use terraform_provider_acp::framework::codec::to_msgpack;
use terraform_provider_acp::framework::{Provider, Resource, Value};
use terraform_provider_acp::provider::AcpProvider;
use terraform_provider_acp::resources::workspace::WorkspaceResource;

use crate::support::Plugin;

fn provider_config(endpoint: &str, token: Option<&str>) -> pb::DynamicValue {
    let ty = AcpProvider.schema().value_type();
    let mut config = Value::object(
        AcpProvider
            .schema()
            .attributes
            .iter()
            .map(|a| (a.name, Value::Null)),
    );
    config.set("endpoint", Value::from(endpoint));
    config.set("token", token.map(Value::from).unwrap_or(Value::Null));
    config.set("request_timeout", Value::from("20s"));
    config.set("max_retries", Value::from(0));
    pb::DynamicValue {
        msgpack: to_msgpack(&config, &ty),
        json: Vec::new(),
    }
}

fn error_summaries(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| d.summary.clone())
        .collect()
}

#[tokio::test]
async fn unsupported_rpcs_answer_with_a_diagnostic_not_a_failure() {
    let plugin = Plugin::start();
    let mut c = plugin.provider_client().await;

    let functions = c
        .get_functions(pb::get_functions::Request {})
        .await
        .expect("rpc")
        .into_inner();
    assert!(functions.functions.is_empty() && functions.diagnostics.is_empty());

    let moved = c
        .move_resource_state(pb::move_resource_state::Request::default())
        .await
        .expect("rpc");
    assert_eq!(error_summaries(&moved.into_inner().diagnostics).len(), 1);

    let opened = c
        .open_ephemeral_resource(pb::open_ephemeral_resource::Request::default())
        .await
        .expect("rpc");
    assert!(error_summaries(&opened.into_inner().diagnostics)[0].contains("not supported"));

    let called = c
        .call_function(pb::call_function::Request::default())
        .await
        .expect("rpc");
    assert!(called.into_inner().error.is_some());

    let mut events = c
        .list_resource(pb::list_resource::Request::default())
        .await
        .expect("rpc")
        .into_inner();
    let event = events.message().await.expect("stream").expect("one event");
    assert_eq!(error_summaries(&event.diagnostic).len(), 1);

    let unknown = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "acp_nope".into(),
            ..Default::default()
        })
        .await
        .expect("rpc");
    assert_eq!(
        error_summaries(&unknown.into_inner().diagnostics),
        ["Unknown resource type"]
    );

    let metadata = c
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("rpc")
        .into_inner();
    assert!(metadata
        .resources
        .iter()
        .any(|r| r.type_name == "acp_workspace"));
    assert!(
        metadata
            .server_capabilities
            .expect("caps")
            .get_provider_schema_optional
    );
}

#[tokio::test]
async fn configure_without_a_token_names_the_attribute_and_environment_variable() {
    let plugin = Plugin::start_with_env(&[("ACP_TOKEN", ""), ("ACP_ENDPOINT", "")]);
    let mut c = plugin.provider_client().await;
    let response = c
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.0.3".into(),
            config: Some(provider_config("http://127.0.0.1:9", None)),
            ..Default::default()
        })
        .await
        .expect("rpc")
        .into_inner();
    let diag = response
        .diagnostics
        .iter()
        .find(|d| d.summary.contains("token"))
        .expect("token diagnostic");
    assert!(diag.detail.contains("ACP_TOKEN"), "{}", diag.detail);
    assert!(diag.attribute.is_some(), "points at the attribute");
}

#[tokio::test]
async fn stop_provider_cancels_a_hanging_platform_call_promptly() {
    // A platform that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", silent.local_addr().expect("addr"));
    let plugin = Plugin::start();
    let mut c = plugin.provider_client().await;
    let configured = c
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.0.3".into(),
            config: Some(provider_config(&endpoint, Some("t0ken"))),
            ..Default::default()
        })
        .await
        .expect("rpc")
        .into_inner();
    assert!(
        error_summaries(&configured.diagnostics).is_empty(),
        "{:?}",
        configured.diagnostics
    );

    let ty = WorkspaceResource.schema().value_type();
    let mut state = Value::object(
        WorkspaceResource
            .schema()
            .attributes
            .iter()
            .map(|a| (a.name, Value::Null)),
    );
    state.set("name", Value::from("team-alpha"));
    state.set("id", Value::from("team-alpha"));
    let read = {
        let mut c = c.clone();
        let request = pb::read_resource::Request {
            type_name: "acp_workspace".into(),
            current_state: Some(pb::DynamicValue {
                msgpack: to_msgpack(&state, &ty),
                json: Vec::new(),
            }),
            ..Default::default()
        };
        tokio::spawn(async move { c.read_resource(request).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    c.stop_provider(pb::stop_provider::Request {})
        .await
        .expect("stop");
    let response = tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .expect("read returns promptly after stop")
        .expect("task")
        .expect("rpc")
        .into_inner();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        error_summaries(&response.diagnostics),
        ["Operation cancelled"]
    );
    drop(silent);
}

#[tokio::test]
async fn stop_during_an_apply_lets_the_started_change_finish_and_be_recorded() {
    use acp_emulator::{Config, Emulator, FaultPlan, FaultRule};
    use terraform_provider_acp::framework::served_schema;

    // Creating a workspace takes three seconds on this platform.
    let slow_create = FaultRule::latency(Duration::from_secs(3))
        .route("/api/projects")
        .method("POST");
    let emulator = Emulator::start(Config {
        faults: FaultPlan::new(vec![slow_create]),
        ..Config::default()
    })
    .expect("emulator");
    let plugin = Plugin::start();
    let mut c = plugin.provider_client().await;
    let mut config = provider_config(&emulator.url(), Some(emulator.admin_token()));
    {
        let ty = AcpProvider.schema().value_type();
        let mut value =
            terraform_provider_acp::framework::codec::from_msgpack(&config.msgpack, &ty)
                .expect("decode");
        value.set("username", Value::from("alice@example.com"));
        config.msgpack = to_msgpack(&value, &ty);
    }
    let configured = c
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.0.3".into(),
            config: Some(config),
            ..Default::default()
        })
        .await
        .expect("rpc")
        .into_inner();
    assert!(error_summaries(&configured.diagnostics).is_empty());

    let schema = served_schema(&WorkspaceResource);
    let ty = schema.value_type();
    let mut planned = Value::object(schema.attributes.iter().map(|a| (a.name, Value::Unknown)));
    planned.set("name", Value::from("team-stop"));
    planned.set("display_name", Value::Null);
    planned.set("description", Value::Null);
    planned.set("timeouts", Value::Null);
    let mut cfg = Value::object(schema.attributes.iter().map(|a| (a.name, Value::Null)));
    cfg.set("name", Value::from("team-stop"));
    let apply = {
        let mut c = c.clone();
        let request = pb::apply_resource_change::Request {
            type_name: "acp_workspace".into(),
            prior_state: Some(pb::DynamicValue {
                msgpack: to_msgpack(&Value::Null, &ty),
                json: Vec::new(),
            }),
            planned_state: Some(pb::DynamicValue {
                msgpack: to_msgpack(&planned, &ty),
                json: Vec::new(),
            }),
            config: Some(pb::DynamicValue {
                msgpack: to_msgpack(&cfg, &ty),
                json: Vec::new(),
            }),
            ..Default::default()
        };
        tokio::spawn(async move { c.apply_resource_change(request).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    c.stop_provider(pb::stop_provider::Request {})
        .await
        .expect("stop");
    let response = tokio::time::timeout(Duration::from_secs(15), apply)
        .await
        .expect("apply returns")
        .expect("task")
        .expect("rpc")
        .into_inner();
    assert!(
        error_summaries(&response.diagnostics).is_empty(),
        "the started create finishes: {:?}",
        response.diagnostics
    );
    let state = terraform_provider_acp::framework::codec::from_msgpack(
        &response.new_state.expect("new state").msgpack,
        &ty,
    )
    .expect("decode state");
    assert_eq!(
        state.get("id").as_str(),
        Some("team-stop"),
        "and is recorded in state"
    );
    assert!(emulator.state().project("team-stop").is_some());
}
