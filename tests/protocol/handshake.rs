//! go-plugin's launch contract: cookie, protocol negotiation, private socket, mutual TLS,
//! clean exit.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use magma_protocol::tfplugin6::get_provider_schema;

use crate::support::{provider_binary, Plugin};
use terraform_provider_acp::server::tls::generate_identity;

#[test]
fn handshake_line_has_go_plugins_shape_and_the_socket_dir_is_private() {
    let plugin = Plugin::start();
    let parts: Vec<&str> = plugin.handshake.split('|').collect();
    assert_eq!(&parts[..3], ["1", "6", "unix"]);
    assert_eq!(parts[4], "grpc");
    assert!(!parts[5].ends_with('='), "certificate is unpadded base64");
    assert!(plugin.socket.exists(), "socket {:?} exists", plugin.socket);
    let dir = plugin.socket.parent().expect("socket dir");
    let mode = std::fs::metadata(dir)
        .expect("dir metadata")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700, "socket directory mode");
}

#[tokio::test]
async fn a_client_with_terraforms_certificate_gets_the_schema() {
    let plugin = Plugin::start();
    let mut client = plugin.provider_client().await;
    let schema = client
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .expect("schema call")
        .into_inner();
    assert!(schema.resource_schemas.contains_key("acp_workspace"));
    let caps = schema.server_capabilities.expect("capabilities");
    assert!(caps.get_provider_schema_optional);
    let provider = schema
        .provider
        .and_then(|s| s.block)
        .expect("provider block");
    let token = provider
        .attributes
        .iter()
        .find(|a| a.name == "token")
        .expect("token");
    assert!(token.sensitive, "token is sensitive");
}

#[tokio::test]
async fn a_client_without_a_certificate_is_refused_before_any_rpc() {
    let plugin = Plugin::start();
    let refused = match plugin.channel_as(None).await {
        Err(_) => true,
        Ok(channel) => {
            let mut client =
                magma_protocol::tfplugin6::provider_client::ProviderClient::new(channel);
            client
                .get_provider_schema(get_provider_schema::Request {})
                .await
                .is_err()
        }
    };
    assert!(
        refused,
        "a client without the certificate must not get an answer"
    );
}

#[tokio::test]
async fn a_client_with_another_certificate_is_refused() {
    let plugin = Plugin::start();
    let stranger = generate_identity().expect("identity");
    let refused = match plugin.channel_as(Some(&stranger)).await {
        Err(_) => true,
        Ok(channel) => {
            let mut client =
                magma_protocol::tfplugin6::provider_client::ProviderClient::new(channel);
            client
                .get_provider_schema(get_provider_schema::Request {})
                .await
                .is_err()
        }
    };
    assert!(refused, "only Terraform's exact certificate is accepted");
    // The legitimate client still works afterwards.
    let mut client = plugin.provider_client().await;
    assert!(client
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .is_ok());
}

#[test]
fn started_by_hand_it_explains_itself_on_stderr_and_exits_1() {
    let out = Command::new(provider_binary())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdin(Stdio::null())
        .output()
        .expect("run provider");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("This binary is a plugin"), "{stderr}");
}

#[test]
fn a_terraform_without_protocol_6_is_refused_clearly() {
    let out = Command::new(provider_binary())
        .env(
            "TF_PLUGIN_MAGIC_COOKIE",
            terraform_provider_acp::server::handshake::MAGIC_COOKIE_VALUE,
        )
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .stdin(Stdio::null())
        .output()
        .expect("run provider");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only version 6"));
}

#[test]
fn the_socket_goes_where_plugin_unix_socket_dir_says() {
    let base = tempfile::tempdir().expect("tempdir");
    let base_path = base.path().to_string_lossy().into_owned();
    let plugin = Plugin::start_with_env(&[("PLUGIN_UNIX_SOCKET_DIR", &base_path)]);
    assert!(
        plugin.socket.starts_with(base.path()),
        "{:?}",
        plugin.socket
    );
}

#[tokio::test]
async fn shutdown_exits_cleanly_and_removes_the_socket_dir() {
    let mut plugin = Plugin::start();
    let dir = plugin.socket.parent().expect("dir").to_path_buf();
    let mut controller = plugin.controller_client().await;
    let _ = controller
        .shutdown(terraform_provider_acp::server::go_plugin::messages::Empty {})
        .await;
    let status = plugin.wait_exit(Duration::from_secs(10)).expect("exited");
    assert!(status.success(), "{status:?}");
    assert!(!dir.exists(), "socket directory removed");
    let mut rest = String::new();
    if let Some(mut stdout) = plugin.child.stdout.take() {
        let _ = stdout.read_to_string(&mut rest);
    }
    assert!(
        rest.is_empty(),
        "stdout carries only the handshake line, got {rest:?}"
    );
}

#[test]
fn it_exits_when_terraform_goes_away() {
    // bash starts the provider in the background, prints its pid and exits: the provider is
    // re-parented, as when Terraform is killed.
    let script = format!("'{}' >/dev/null & echo $!; sleep 1", provider_binary());
    let out = Command::new("bash")
        .args(["-c", &script])
        .env(
            "TF_PLUGIN_MAGIC_COOKIE",
            terraform_provider_acp::server::handshake::MAGIC_COOKIE_VALUE,
        )
        .output()
        .expect("run bash");
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while proc_dir.exists() && std::time::Instant::now() < deadline {
        let zombie = std::fs::read_to_string(proc_dir.join("stat"))
            .map(|s| s.contains(") Z "))
            .unwrap_or(true);
        if zombie {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let alive = std::fs::read_to_string(proc_dir.join("stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false);
    assert!(
        !alive,
        "provider {pid} still running after its parent exited"
    );
}

#[test]
fn debug_mode_prints_reattach_instructions_without_needing_the_cookie() {
    let mut child = Command::new(provider_binary())
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut text = String::new();
    while !text.contains("Ctrl-C") {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut stdout, &mut line).unwrap_or(0) == 0 {
            break;
        }
        text.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    let start = text.find("TF_REATTACH_PROVIDERS='").expect("reattach line") + 23;
    let end = start + text[start..].find('\'').expect("closing quote");
    let json: serde_json::Value = serde_json::from_str(&text[start..end]).expect("valid JSON");
    let entry = &json["registry.terraform.io/ambient-code/acp"];
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Addr"]["Network"], "unix");
}
