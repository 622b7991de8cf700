//! Secrets stay secret and TLS is verified: the complete team configuration at trace level
//! with distinctive secret values, credentials errors, and a platform behind a private CA.

use acp_emulator::Config;

use crate::support::Harness;

const RUNNER_SECRET: &str = "sk-ant-DISTINCTIVE-runner-7f3a9c";
const GITHUB_SECRET: &str = "ghp_DISTINCTIVE_integration_51be2d";
const STORAGE_SECRET: &str = "s3-DISTINCTIVE-secret-key-90aa4e";

fn team_config() -> String {
    format!(
        r#"
variable "runner_key" {{
  type      = string
  sensitive = true
}}

resource "acp_workspace" "team" {{
  name = "team-secure"
}}

resource "acp_workspace_share" "devs" {{
  workspace    = acp_workspace.team.name
  subject_type = "group"
  subject_name = "devs"
  role         = "edit"
}}

resource "acp_workspace_secret" "runner" {{
  workspace = acp_workspace.team.name
  name      = "ANTHROPIC_API_KEY"
  value     = var.runner_key
}}

resource "acp_workspace_secret" "github" {{
  workspace = acp_workspace.team.name
  name      = "GITHUB_TOKEN"
  value     = "{GITHUB_SECRET}"
}}

resource "acp_workspace_storage" "s3" {{
  workspace  = acp_workspace.team.name
  endpoint   = "https://s3.example.com"
  bucket     = "team-secure-sessions"
  access_key = "AKIAEXAMPLE"
  secret_key = "{STORAGE_SECRET}"
}}

resource "acp_api_key" "ci" {{
  workspace = acp_workspace.team.name
  name      = "ci"
}}

output "ci_key" {{
  value     = acp_api_key.ci.key
  sensitive = true
}}
"#
    )
}

#[test]
fn no_secret_token_or_key_appears_in_any_output_or_trace_log() {
    let token = "admin-DISTINCTIVE-token-e4b1";
    let config = Config {
        admin_token: token.to_string(),
        ..Config::default()
    };
    let mut h = Harness::with_emulator("sec-trace", config);
    let log = h.dir.path().join("trace.log");
    h.env("TF_LOG", "TRACE");
    h.env("TF_LOG_PATH", &log.to_string_lossy());
    h.env("TF_VAR_runner_key", RUNNER_SECRET);
    h.write_config(&team_config());

    let mut everything = String::new();
    for args in [
        &["apply", "-auto-approve", "-no-color"][..],
        &["plan", "-no-color"],
        &["refresh", "-no-color"],
        &["output", "-no-color"],
    ] {
        let out = h.run(args);
        assert!(
            out.status.success(),
            "terraform {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        everything += &String::from_utf8_lossy(&out.stdout);
        everything += &String::from_utf8_lossy(&out.stderr);
    }
    let keys = h.emulator.state().keys("team-secure");
    let api_key = keys[0]
        .token
        .clone()
        .expect("the emulator knows the key it issued");
    assert_eq!(
        h.emulator.state().runner_secrets("team-secure")["ANTHROPIC_API_KEY"],
        RUNNER_SECRET
    );

    let out = h.run(&["destroy", "-auto-approve", "-no-color"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    everything += &String::from_utf8_lossy(&out.stdout);
    everything += &String::from_utf8_lossy(&out.stderr);

    let trace = std::fs::read_to_string(&log).expect("trace log written");
    assert!(
        trace.contains("provider.terraform-provider-acp"),
        "the provider's own lines are in the log"
    );
    assert!(
        trace.contains("acp request"),
        "the provider logged its platform calls at trace level"
    );
    for (what, secret) in [
        ("runner secret", RUNNER_SECRET),
        ("integration secret", GITHUB_SECRET),
        ("storage secret key", STORAGE_SECRET),
        ("API key", api_key.as_str()),
        ("API token", token),
    ] {
        assert!(
            !everything.contains(secret),
            "the {what} appears in terraform's output"
        );
        assert!(
            !trace.contains(secret),
            "the {what} appears in the trace log"
        );
    }
    assert!(!trace.to_ascii_lowercase().contains("authorization: bearer"));
}

#[test]
fn a_wrong_token_fails_once_with_an_error_naming_the_setting() {
    let mut h = Harness::new("sec-bad-token");
    h.env("ACP_TOKEN", "not-a-valid-token");
    h.emulator
        .state()
        .create_project("team-alpha", Some("alice@example.com"));
    // Settings from the environment, with an empty provider block: without one Terraform
    // 1.0 adds its own generic "requires explicit configuration" error to any failed
    // configuration.
    h.write_config(
        "provider \"acp\" {}\n\
         resource \"acp_workspace_secret\" \"s\" {\n  workspace = \"team-alpha\"\n  name = \"X\"\n  value = \"y\"\n}\n",
    );
    h.emulator.state().reset_request_counts();
    // Even a plan that would need no platform call of its own learns at configuration that
    // the token is no good, before anything is proposed.
    let (code, text) = h.plan();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("ACP_TOKEN") && text.contains("`token`"),
        "{text}"
    );
    assert!(text.contains("rejected the API token"), "{text}");
    assert!(
        !text.contains("not-a-valid-token"),
        "the token itself is never shown"
    );
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("Error: ").count(), 1, "{stderr}");
    let calls = h.emulator.state().total_requests();
    assert_eq!(
        calls,
        2,
        "one credential check per command, nothing else: {:?}",
        h.emulator.state().request_counts()
    );
    assert!(h
        .emulator
        .state()
        .integration_secrets("team-alpha")
        .is_empty());
}

#[test]
fn a_platform_behind_a_private_ca_is_trusted_only_through_ca_cert_pem() {
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Test private CA");
    let ca = ca_params.self_signed(&ca_key).expect("ca");
    let leaf_key = rcgen::KeyPair::generate().expect("key");
    let leaf_params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("params");
    let leaf = leaf_params
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("leaf");
    let config = Config {
        tls: Some((leaf.pem(), leaf_key.serialize_pem())),
        ..Config::default()
    };
    let mut h = Harness::with_emulator("sec-tls", config);
    assert!(h.emulator.url().starts_with("https://"));
    let workspace = "resource \"acp_workspace\" \"w\" {\n  name = \"tls-team\"\n}\n";

    // Without the CA the certificate is refused when the provider is configured, with one
    // error that names the setting, and nothing is created.
    h.write_config(&format!("provider \"acp\" {{}}\n{workspace}"));
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("certificate"), "{stderr}");
    assert!(stderr.contains("ca_cert_pem"), "{stderr}");
    assert_eq!(stderr.matches("Error: ").count(), 1, "{stderr}");
    assert!(h.emulator.state().is_empty());

    // With ca_cert_pem it works.
    let pem_path = h.dir.path().join("ca.pem");
    std::fs::write(&pem_path, ca.pem()).expect("write ca");
    h.write_config(&format!(
        "provider \"acp\" {{\n  ca_cert_pem = file(\"{}\")\n}}\n{workspace}",
        pem_path.display()
    ));
    h.apply();
    h.assert_empty_plan();
    assert!(h.emulator.state().project("tls-team").is_some());

    // insecure_skip_tls_verify also connects, and warns every time.
    h.env("ACP_INSECURE_SKIP_TLS_VERIFY", "true");
    h.write_config(workspace);
    let (code, text) = h.plan();
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("TLS certificate verification is disabled"),
        "{text}"
    );
}

/// A self-signed certificate made as `openssl req -x509` makes it (marked as a CA) is refused
/// by rustls as a server's own certificate even when given in `ca_cert_pem`; the error must
/// say why and how to re-create it, not only ask for the CA again.
#[test]
fn a_self_signed_certificate_marked_as_a_ca_is_explained() {
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).expect("self-signed");
    let config = Config {
        tls: Some((cert.pem(), key.serialize_pem())),
        ..Config::default()
    };
    let h = Harness::with_emulator("sec-tls-ca-leaf", config);
    let pem_path = h.dir.path().join("self.pem");
    std::fs::write(&pem_path, cert.pem()).expect("write pem");
    h.write_config(&format!(
        "provider \"acp\" {{\n  ca_cert_pem = file(\"{}\")\n}}\n\
         resource \"acp_workspace\" \"w\" {{\n  name = \"tls-team\"\n}}\n",
        pem_path.display()
    ));
    let (code, text) = h.plan();
    assert_eq!(code, 1, "{text}");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("basicConstraints=CA:FALSE"), "{text}");
    assert!(flat.contains("ca_cert_pem"), "{text}");
}
