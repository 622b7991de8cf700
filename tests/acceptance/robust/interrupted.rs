//! Applies that something gets in the way of, with the real Terraform CLI and provider binary:
//! another local process trying to talk to the provider while an apply is in flight, and
//! Ctrl-C (SIGINT to terraform's process group, as a terminal sends it) while a create is in
//! flight, within and beyond the grace a started change gets after Terraform's StopProvider.
//!
//! Each test slows one platform call down with an emulator latency fault, so that the apply
//! is provably still running when the test acts, and waits on the emulator's fault counter
//! (not on a sleep) to know the provider is inside that call.

use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use acp_emulator::{FaultPlan, FaultRule};
use hyper_util::rt::TokioIo;
use magma_protocol::tfplugin6::get_provider_schema;
use magma_protocol::tfplugin6::provider_client::ProviderClient;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio_util::either::Either;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

use crate::support::{Background, Harness};

const WS: &str = "team-interrupt";

/// The provider's executable, as it shows in `/proc/<pid>/exe`.
const PROVIDER_EXE: &str = env!("CARGO_BIN_EXE_terraform-provider-acp");

/// The grace the provider gives a started change after StopProvider (`STOP_GRACE` in
/// `src/server/grpc.rs`).
const GRACE: Duration = Duration::from_secs(10);

/// How long terraform may take to exit after SIGINT: at most [`GRACE`] for the provider,
/// and well under a second for everything else (state write, provider shutdown).
const EXIT_LIMIT: Duration = Duration::from_secs(30);

/// A directory for `PLUGIN_UNIX_SOCKET_DIR`, so that the test can find the provider's socket
/// and see whether it was removed.
fn socket_parent(test: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("acc-sock-{test}-"))
        .tempdir()
        .expect("socket parent dir")
}

/// Entries the providers created in `parent` (one private directory per provider process).
fn entries(parent: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(parent)
        .expect("read the socket parent dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    found.sort();
    found
}

/// Polls `done` every 20 ms until it holds; panics with `what` and the log after `limit`.
fn wait_for(what: &str, limit: Duration, run: &mut Background, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; terraform so far:\n{}",
            run.output()
        );
        assert!(
            run.is_running(),
            "terraform exited while the test waited for {what}:\n{}",
            run.output()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How many latency faults the emulator has injected.
fn latency_fired(h: &Harness) -> u64 {
    h.emulator
        .state()
        .fault_counts()
        .get("latency")
        .copied()
        .unwrap_or(0)
}

/// One latency fault on the first request of `method route`.
fn slow_once(route: &str, method: &str, latency: Duration) -> FaultPlan {
    FaultPlan::new(vec![FaultRule::latency(latency)
        .route(route)
        .method(method)
        .count(1)])
    .with_seed(1)
}

// ---------------------------------------------------------------------------------------------
// An intruder on the plugin socket.

/// A server verifier that accepts whatever the provider presents: an intruder has not seen
/// the handshake line, so it cannot pin the provider's certificate. Handshake signatures are
/// still checked, so a failure is about the client's certificate, not a broken handshake.
#[derive(Debug)]
struct AcceptAnyServer(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// TLS as an intruder would do it: a freshly generated self-signed client certificate
/// (made here with rcgen, independently of the provider's own certificate code).
fn intruder_tls() -> Arc<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("intruder cert");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnyServer(provider)))
        .with_client_auth_cert(vec![certified.cert.der().clone()], key)
        .expect("client cert");
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

/// A gRPC channel to `socket`, plain (h2 without TLS) or through `tls`. Lazy, so that every
/// failure, connecting included, shows up as the outcome of an RPC.
fn intruder_channel(socket: &Path, tls: Option<tokio_rustls::TlsConnector>) -> Channel {
    let socket = socket.to_path_buf();
    Endpoint::from_static("http://localhost")
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(5))
        .connect_with_connector_lazy(tower::service_fn(move |_| {
            let socket = socket.clone();
            let tls = tls.clone();
            async move {
                let stream = tokio::net::UnixStream::connect(socket).await?;
                let io = match tls {
                    None => Either::Left(stream),
                    Some(tls) => {
                        let name =
                            ServerName::try_from("localhost").map_err(std::io::Error::other)?;
                        Either::Right(tls.connect(name, stream).await?)
                    }
                };
                Ok::<_, std::io::Error>(TokioIo::new(io))
            }
        }))
}

/// Calls the provider's schema RPC and the health service as an intruder (plain, or through
/// `tls`); returns each call's name and outcome.
async fn intrude(
    socket: &Path,
    tls: Option<tokio_rustls::TlsConnector>,
) -> Vec<(&'static str, Result<(), tonic::Status>)> {
    let channel = intruder_channel(socket, tls);
    let schema = ProviderClient::new(channel.clone())
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .map(drop);
    let health = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: "plugin".to_string(),
        })
        .await
        .map(drop);
    vec![
        ("GetProviderSchema", schema),
        ("grpc.health.v1.Health/Check", health),
    ]
}

/// The text of an error and all its causes.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

/// Asserts that every call failed in the transport, before any service saw it, and returns
/// the causes. A status that a service sent (even Unauthenticated) comes from the wire and
/// has no local cause; one that tonic makes from a failed connection carries the transport
/// error as its source.
fn assert_refused(who: &str, outcomes: Vec<(&'static str, Result<(), tonic::Status>)>) -> String {
    let mut causes = Vec::new();
    for (call, outcome) in outcomes {
        let status = match outcome {
            Ok(()) => panic!("{who}: {call} was answered"),
            Err(status) => status,
        };
        let Some(source) = std::error::Error::source(&status) else {
            panic!("{who}: {call} got a gRPC status from the provider's server: {status:?}");
        };
        causes.push(format!("{call}: {}", chain(source)));
    }
    causes.join("\n")
}

/// Opens the socket, sends what a plain HTTP/2 client sends first, and returns what comes
/// back before the provider closes the connection (at most a few bytes are expected).
fn raw_plaintext_answer(socket: &Path) -> Vec<u8> {
    use std::io::{Read as _, Write as _};
    let mut stream = std::os::unix::net::UnixStream::connect(socket)
        .expect("the provider listens on its socket");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("read timeout");
    // The HTTP/2 connection preface and an empty SETTINGS frame.
    let mut hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    hello.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    // The provider may close before the whole preface is written; that is a refusal too.
    let _ = stream.write_all(&hello);
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the provider neither answered nor closed the connection: {e}"),
    }
    answer
}

/// Does the TLS handshake with the intruder's certificate by hand and returns how the first
/// read after it failed. In TLS 1.3 the client's side of the handshake is over before the
/// server has checked the client's certificate, so the refusal arrives as an alert then.
fn raw_stranger_refusal(socket: &Path) -> rustls::Error {
    use std::io::Read as _;
    let name = ServerName::try_from("localhost").expect("server name");
    let mut conn = rustls::ClientConnection::new(intruder_tls(), name).expect("tls client");
    let mut stream = std::os::unix::net::UnixStream::connect(socket)
        .expect("the provider listens on its socket");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("read timeout");
    let mut byte = [0u8; 1];
    let error = match rustls::Stream::new(&mut conn, &mut stream).read(&mut byte) {
        Ok(n) => panic!("the provider let a stranger's TLS connection read {n} bytes"),
        Err(e) => e,
    };
    match error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        Some(tls) => tls.clone(),
        None => panic!("a stranger's TLS connection failed outside TLS: {error}"),
    }
}

#[test]
fn a_second_local_process_cannot_talk_to_the_provider_during_a_real_apply() {
    const LATENCY: Duration = Duration::from_secs(6);
    let sockets = socket_parent("intruder");
    let mut h = Harness::new("intruder");
    h.env(
        "PLUGIN_UNIX_SOCKET_DIR",
        sockets.path().to_str().expect("utf-8 path"),
    );
    h.write_config(&format!(
        "resource \"acp_workspace\" \"w\" {{\n  name = \"{WS}\"\n}}\n"
    ));
    h.emulator
        .state()
        .set_faults(slow_once("/api/projects", "POST", LATENCY));

    let mut apply = h.spawn("apply", &["apply", "-auto-approve", "-no-color"]);
    wait_for(
        "the workspace create to reach the emulator",
        Duration::from_secs(30),
        &mut apply,
        || latency_fired(&h) == 1,
    );
    let fired_at = Instant::now();

    // Providers of earlier phases (validate, plan) have exited and removed their directories;
    // the one serving this apply is the only one left.
    let dirs = entries(sockets.path());
    assert_eq!(
        dirs.len(),
        1,
        "one provider directory in PLUGIN_UNIX_SOCKET_DIR: {dirs:?}"
    );
    let mode = std::fs::metadata(&dirs[0])
        .expect("provider dir metadata")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700, "the provider's socket directory is private");
    let socket = dirs[0].join("plugin.sock");
    let kind = std::fs::metadata(&socket)
        .unwrap_or_else(|e| panic!("no socket at {}: {e}", socket.display()))
        .file_type();
    assert!(kind.is_socket(), "{} is a socket", socket.display());

    // A plain HTTP/2 client: the provider completes TLS before any gRPC, so the most it may
    // answer is a TLS alert record (content type 21), never an HTTP/2 frame.
    let answer = raw_plaintext_answer(&socket);
    assert!(
        answer.is_empty() || answer[0] == 21,
        "the provider answered plaintext HTTP/2 with something other than a TLS alert: {answer:?}"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let plain = runtime.block_on(intrude(&socket, None));
    let plain_causes = assert_refused("plaintext gRPC", plain);
    let stranger = runtime.block_on(intrude(
        &socket,
        Some(tokio_rustls::TlsConnector::from(intruder_tls())),
    ));
    let stranger_causes = assert_refused("TLS with a self-signed certificate", stranger);
    // The refusal of the stranger's certificate is TLS's own: a fatal alert from the provider.
    let refusal = raw_stranger_refusal(&socket);
    assert!(
        matches!(refusal, rustls::Error::AlertReceived(_)),
        "the provider refused the stranger's certificate with a TLS alert, not {refusal:?}"
    );
    println!(
        "plaintext: provider answered {answer:?}\n{plain_causes}\n\
         stranger: {refusal}\n{stranger_causes}"
    );

    // Everything above happened while the apply was in flight: the create was still held back
    // by the fault, and terraform still running.
    assert!(
        fired_at.elapsed() < LATENCY,
        "the intrusion took longer than the create's latency ({:?})",
        fired_at.elapsed()
    );
    assert!(
        h.emulator.state().project_names().is_empty(),
        "the emulator had not served the create yet"
    );
    assert!(apply.is_running(), "terraform was still applying");

    let status = apply
        .wait_within(Duration::from_secs(45))
        .expect("the apply finishes");
    let out = apply.output();
    assert!(
        status.success(),
        "the apply failed after the intrusion:\n{out}"
    );
    assert!(
        out.contains("Resources: 1 added, 0 changed, 0 destroyed"),
        "{out}"
    );
    assert_eq!(h.emulator.state().project_names(), vec![WS]);
    h.assert_empty_plan();
    assert!(
        entries(sockets.path()).is_empty(),
        "every provider removed its socket directory on exit: {:?}",
        entries(sockets.path())
    );
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C.

/// Live provider processes in process group `group` (terraform's group: Terraform 1.0
/// re-executes itself under a crash handler, so the provider is its grandchild, not its
/// child).
fn providers_in_group(group: u32) -> Vec<u32> {
    let want = Path::new(PROVIDER_EXE).file_name();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found: Vec<u32> = procs
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            group_and_state(*pid).is_some_and(|(g, state)| g == group && state != 'Z')
                && std::fs::read_link(format!("/proc/{pid}/exe"))
                    .is_ok_and(|exe| exe.file_name() == want)
        })
        .collect();
    found.sort_unstable();
    found
}

/// Process group and state letter of a process, from `/proc/<pid>/stat`; `None` once it is
/// gone. The command name in parentheses may hold spaces, so fields are counted after the
/// last `)`: state, parent, group.
fn group_and_state(pid: u32) -> Option<(u32, char)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let group = fields.get(2)?.parse().ok()?;
    Some((group, state))
}

/// `true` once `pid` has exited: gone, or a zombie nobody has reaped yet.
fn exited(pid: u32) -> bool {
    group_and_state(pid).is_none_or(|(_, state)| state == 'Z')
}

/// Sends SIGINT to the process group `group`, as a terminal does on Ctrl-C.
fn interrupt_group(group: u32) {
    let status = std::process::Command::new("kill")
        .args(["-INT", "--", &format!("-{group}")])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT -{group} failed");
}

/// A workspace with two secrets, a share, an API key and a secret holding that key's token,
/// which can only be created after the key.
fn write_team(h: &Harness) {
    h.write_config(&format!(
        r#"resource "acp_workspace" "w" {{
  name = "{WS}"
}}

resource "acp_workspace_secret" "anthropic" {{
  workspace = acp_workspace.w.name
  name      = "ANTHROPIC_API_KEY"
  value     = "sk-ant-interrupt-1"
}}

resource "acp_workspace_secret" "jira" {{
  workspace = acp_workspace.w.name
  name      = "JIRA_URL"
  value     = "https://jira.example.com"
}}

resource "acp_workspace_share" "eng" {{
  workspace    = acp_workspace.w.name
  subject_type = "group"
  subject_name = "engineers"
  role         = "edit"
}}

resource "acp_api_key" "ci" {{
  workspace = acp_workspace.w.name
  name      = "ci"
  role      = "edit"
}}

resource "acp_workspace_secret" "ci_key" {{
  workspace = acp_workspace.w.name
  name      = "CI_KEY"
  value     = acp_api_key.ci.key
}}
"#
    ));
}

/// Asserts that the emulator holds exactly what [`write_team`] declares.
fn assert_platform_matches_team(h: &Harness) {
    let state = h.emulator.state();
    assert_eq!(state.project_names(), vec![WS], "exactly one workspace");
    assert_eq!(
        state.permissions(WS),
        vec![("group".into(), "engineers".into(), "edit".into())]
    );
    let keys = state.keys(WS);
    assert_eq!(keys.len(), 1, "exactly one API key: {keys:?}");
    assert_eq!(h.state_values("acp_api_key.ci")["id"], keys[0].id.as_str());
    let runner = state.runner_secrets(WS);
    assert_eq!(
        runner.into_iter().collect::<Vec<_>>(),
        vec![("ANTHROPIC_API_KEY".into(), "sk-ant-interrupt-1".into())]
    );
    let integration = state.integration_secrets(WS);
    assert_eq!(
        integration.keys().collect::<Vec<_>>(),
        vec!["CI_KEY", "JIRA_URL"]
    );
    assert_eq!(
        integration["CI_KEY"].as_str(),
        keys[0].token.as_deref().expect("the key has a token"),
        "the secret holds the live key's token"
    );
}

/// What the interrupted run looked like.
struct Interrupted {
    /// Its output.
    output: String,
    /// From SIGINT to terraform's exit.
    took: Duration,
    /// From the slow call reaching the emulator to terraform's exit.
    since_call: Duration,
}

impl Interrupted {
    /// The timings and the output, for failure messages.
    fn timing(&self) -> String {
        format!(
            "exit {:?} after the slow call reached the emulator, {:?} after Ctrl-C:\n{}",
            self.since_call, self.took, self.output
        )
    }
}

/// Applies the team with `route` slowed down by `latency`, presses Ctrl-C once the provider
/// is inside that call, and checks how terraform and the provider ended.
fn apply_and_interrupt(
    h: &mut Harness,
    sockets: &Path,
    route: &str,
    latency: Duration,
) -> Interrupted {
    h.env(
        "PLUGIN_UNIX_SOCKET_DIR",
        sockets.to_str().expect("utf-8 path"),
    );
    write_team(h);
    h.emulator
        .state()
        .set_faults(slow_once(route, "POST", latency));

    let mut apply = h.spawn("interrupted", &["apply", "-auto-approve", "-no-color"]);
    wait_for(
        &format!("the POST {route} to reach the emulator"),
        Duration::from_secs(30),
        &mut apply,
        || latency_fired(h) == 1,
    );
    let called_at = Instant::now();
    let providers = providers_in_group(apply.pid());
    assert_eq!(
        providers.len(),
        1,
        "one provider process serves the apply: {providers:?}"
    );
    assert!(apply.is_running());

    interrupt_group(apply.pid());
    let interrupted_at = Instant::now();
    let status = apply.wait_within(EXIT_LIMIT).unwrap_or_else(|| {
        panic!(
            "terraform did not exit within {EXIT_LIMIT:?} of Ctrl-C:\n{}",
            apply.output()
        )
    });
    let took = interrupted_at.elapsed();
    let since_call = called_at.elapsed();
    let output = apply.output();
    assert!(
        !status.success(),
        "an interrupted apply reports failure ({status}):\n{output}"
    );
    assert!(
        output.contains("Interrupt received"),
        "terraform saw the interrupt:\n{output}"
    );
    // Terraform shuts its providers down before it exits; allow a moment for the kernel to
    // show the process gone.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !exited(providers[0]) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        exited(providers[0]),
        "provider {} still runs after terraform exited",
        providers[0]
    );
    assert_eq!(
        providers_in_group(apply.pid()),
        Vec::<u32>::new(),
        "no provider process is left in terraform's process group"
    );
    assert!(
        entries(sockets).is_empty(),
        "every provider shut down cleanly and removed its socket directory: {:?}",
        entries(sockets)
    );
    println!("terraform exited {since_call:?} after the slow call began, {took:?} after Ctrl-C");
    Interrupted {
        output,
        took,
        since_call,
    }
}

#[test]
fn ctrl_c_during_a_create_lets_it_finish_within_the_grace_and_the_state_stays_consistent() {
    // Shorter than the 10 s grace: the key create is still held back when Ctrl-C arrives and
    // is answered well within the grace.
    const LATENCY: Duration = Duration::from_secs(4);
    let sockets = socket_parent("ctrl-c");
    let mut h = Harness::new("ctrl-c");
    let run = apply_and_interrupt(&mut h, sockets.path(), "/api/projects/*/keys", LATENCY);
    // The answer came LATENCY after the call reached the emulator (seen here within one
    // poll), and terraform exited after it, well within the grace.
    assert!(
        run.since_call > LATENCY - Duration::from_millis(500) && run.took < GRACE,
        "terraform waited for the started create, and no longer: {}",
        run.timing()
    );
    // The key created during the interrupted run is in the state: the grace let it finish,
    // and Terraform recorded it. The secret holding its token was never started.
    let keys = h.emulator.state().keys(WS);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(h.state_values("acp_api_key.ci")["id"], keys[0].id.as_str());
    assert!(
        !h.emulator
            .state()
            .integration_secrets(WS)
            .contains_key("CI_KEY"),
        "nothing new starts after Ctrl-C:\n{}",
        run.output
    );

    // Only the halted secret is left to do; nothing had to be adopted or created twice.
    let out = h.apply();
    assert!(
        out.contains("Resources: 1 added, 0 changed, 0 destroyed"),
        "{out}"
    );
    for repair in ["adopted", "created a second time"] {
        assert!(!out.contains(repair), "{out}");
    }
    h.assert_empty_plan();
    assert_platform_matches_team(&h);
}

#[test]
fn ctrl_c_during_a_create_longer_than_the_grace_stops_promptly_and_the_next_apply_converges() {
    // Longer than the 10 s grace: the provider gives the create up, and terraform exits
    // before the platform would have answered it.
    const LATENCY: Duration = Duration::from_secs(15);
    let sockets = socket_parent("ctrl-c-long");
    let mut h = Harness::new("ctrl-c-long");
    let run = apply_and_interrupt(&mut h, sockets.path(), "/api/projects", LATENCY);
    // The create got its grace, then was given up: terraform exited about GRACE after
    // Ctrl-C, seconds before the platform would have answered.
    assert!(
        run.took > GRACE - Duration::from_secs(1)
            && run.took < GRACE + Duration::from_secs(4)
            && run.since_call < LATENCY - Duration::from_secs(1),
        "the provider stopped at the end of the grace: {}",
        run.timing()
    );
    assert!(
        run.output.contains("Operation cancelled"),
        "the provider said it gave the create up:\n{}",
        run.output
    );
    // Terraform wraps diagnostics at the terminal width, so compare without line breaks.
    let flat = run.output.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("may still be carried out by the platform") && flat.contains("import"),
        "a change abandoned in flight warns that the platform may still make it:\n{}",
        run.output
    );
    // A create given up is recorded (tainted) under the name it was planned with, so that
    // the next refresh looks for it whether or not the platform went on to create it.
    assert_eq!(
        h.state_values("acp_workspace.w")["id"],
        "team-interrupt",
        "a create given up is recorded under its planned id"
    );
    // Let the held-back request reach the emulator's handler (or be dropped with its
    // connection) before the next apply, so that the outcome does not depend on a race.
    std::thread::sleep((LATENCY + Duration::from_secs(1)).saturating_sub(run.since_call));
    // The emulator drops a request held back by latency when its client hangs up, so the
    // workspace was never created and the next apply creates it. (A platform that carries
    // the request out anyway leaves a workspace outside the state, which the next apply
    // reports as existing, to be imported.)
    assert!(
        h.emulator.state().project_names().is_empty(),
        "the create given up did not happen"
    );

    let out = h.apply();
    assert!(
        out.contains("Resources: 6 added, 0 changed, 0 destroyed"),
        "{out}"
    );
    h.assert_empty_plan();
    assert_platform_matches_team(&h);
}
