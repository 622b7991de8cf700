//! The `acp` provider: its configuration block, and the types it serves.
//!
//! Every setting has an environment variable; a value in the provider block wins over it.
//! Values still unknown at validate time (computed from other resources) are accepted; at
//! configure time the endpoint and token must be known.

use std::time::Duration;

use async_trait::async_trait;

use crate::data_sources;
use crate::framework::timeouts;
use crate::framework::validators::{IntBetween, StringRule};
use crate::framework::{
    Attribute, DataSource, DiagResult, Diagnostic, Diagnostics, Provider, Resource, Schema, Value,
};
use crate::platform::Platform;
use crate::resilience::credentials::{self, CredentialProblem};
use crate::resources;

/// Default per-attempt timeout of a platform call.
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of retries of a failed idempotent call.
const DEFAULT_MAX_RETRIES: u32 = 4;

/// The provider.
#[derive(Debug, Default)]
pub struct AcpProvider;

/// One provider setting: its attribute, environment variable and description.
struct Setting {
    name: &'static str,
    env: &'static str,
}

const ENDPOINT: Setting = Setting {
    name: "endpoint",
    env: "ACP_ENDPOINT",
};
const TOKEN: Setting = Setting {
    name: "token",
    env: "ACP_TOKEN",
};
const USERNAME: Setting = Setting {
    name: "username",
    env: "ACP_USERNAME",
};
const CA_CERT_PEM: Setting = Setting {
    name: "ca_cert_pem",
    env: "ACP_CA_CERT_PEM",
};
const INSECURE: Setting = Setting {
    name: "insecure_skip_tls_verify",
    env: "ACP_INSECURE_SKIP_TLS_VERIFY",
};
const REQUEST_TIMEOUT: Setting = Setting {
    name: "request_timeout",
    env: "ACP_REQUEST_TIMEOUT",
};
const MAX_RETRIES: Setting = Setting {
    name: "max_retries",
    env: "ACP_MAX_RETRIES",
};

/// The value of a setting: the provider block's when set, else the environment's.
fn setting(config: &Value, setting: &Setting) -> Option<String> {
    // An empty string counts as unset, in the block as in the environment.
    config
        .get(setting.name)
        .to_opt_string()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var(setting.env).ok().filter(|v| !v.is_empty()))
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" | "" => Some(false),
        _ => None,
    }
}

/// The diagnostic for a client that cannot be built, pointing at the setting at fault.
fn client_setup_error(err: &acp_client::Error) -> Diagnostic {
    let text = err.to_string();
    let at_fault = match err {
        acp_client::Error::InvalidCaCert { .. } => &CA_CERT_PEM,
        _ if text.contains("username") => &USERNAME,
        _ if text.contains("token") => &TOKEN,
        _ => &ENDPOINT,
    };
    setting_error(at_fault, "Invalid provider setting", &format!("{text}."))
}

/// The error for credentials the platform turned down when asked at configuration.
fn credential_error(problem: CredentialProblem) -> Diagnostic {
    match problem {
        CredentialProblem::TokenRejected(said) => setting_error(
            &TOKEN,
            "The platform rejected the API token",
            &format!("The platform answered 401 ({said}): the token is invalid or has expired."),
        ),
        CredentialProblem::NotTheApi(said) => setting_error(
            &ENDPOINT,
            "The endpoint does not answer like the ACP backend API",
            &format!(
                "A route every ACP backend serves answered 404 ({said}). The endpoint is the \
                 backend's base URL, without `/api`."
            ),
        ),
        CredentialProblem::CertificateRejected(cause) => setting_error(
            &CA_CERT_PEM,
            "The platform's TLS certificate was not accepted",
            &format!(
                "{cause} If the platform uses a private CA, give its certificate in PEM \
                 form; if the certificate names another host, use that host in `endpoint`."
            ),
        ),
    }
}

fn setting_error(s: &Setting, summary: &str, detail: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{summary}: {}", s.name),
        format!(
            "{detail} Set `{}` in the provider block or the {} environment variable.",
            s.name, s.env
        ),
    )
    .at(crate::framework::AttributePath::root(s.name))
}

#[async_trait]
impl Provider for AcpProvider {
    type Data = Platform;

    fn schema(&self) -> Schema {
        Schema::new(
            "The Ambient Code Platform (ACP) runs AI agent sessions for engineering teams. This \
             provider manages ACP workspaces and what belongs to them through the platform's \
             backend REST API.",
            vec![
                Attribute::string(ENDPOINT.name).description(
                    "Base URL of the ACP backend API, e.g. `https://acp.example.com`. Request \
                     paths (`/api/...`) are appended to it. Environment: `ACP_ENDPOINT`.",
                ),
                Attribute::string(TOKEN.name).sensitive().description(
                    "Bearer token: an OpenShift OAuth token (`oc whoami -t`), an OIDC token, or \
                     an ACP API key. Never logged. Environment: `ACP_TOKEN`.",
                ),
                Attribute::string(USERNAME.name).description(
                    "User name the token belongs to, sent as `X-Forwarded-User` and \
                     `X-Forwarded-Preferred-Username`. Needed to create workspaces and API keys \
                     when no SSO proxy sits in front of the backend; it must equal the token's \
                     real user name, or the creator is locked out of new workspaces. \
                     Environment: `ACP_USERNAME`.",
                ),
                Attribute::string(CA_CERT_PEM.name).description(
                    "PEM-encoded CA certificate(s) to trust in addition to the Mozilla root \
                     certificates built into the provider (the operating system's trust store \
                     is not read), for platforms behind a private CA. Environment: \
                     `ACP_CA_CERT_PEM`.",
                ),
                Attribute::bool(INSECURE.name).description(
                    "Skip verification of the platform's TLS certificate. For throwaway test \
                     clusters only; the provider warns every time it is used. Environment: \
                     `ACP_INSECURE_SKIP_TLS_VERIFY`.",
                ),
                Attribute::string(REQUEST_TIMEOUT.name)
                    .description(
                        "Time limit for one HTTP attempt, as a duration such as `30s` or `2m`. \
                         Default `30s`. Environment: `ACP_REQUEST_TIMEOUT`.",
                    )
                    .validator(StringRule {
                        description: "a positive duration such as `30s`",
                        check: |s| timeouts::parse(s).map(|_| ()),
                    }),
                Attribute::number(MAX_RETRIES.name)
                    .description(
                        "How many times a failed idempotent call (connection error, timeout, \
                         429, 502, 503, 504) is retried with jittered backoff; each attempt may \
                         take up to `request_timeout`. Default 4. Environment: \
                         `ACP_MAX_RETRIES`.",
                    )
                    .validator(IntBetween { min: 0, max: 20 }),
            ],
        )
    }

    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
        warnings: &mut Diagnostics,
    ) -> DiagResult<Platform> {
        let mut errors = Diagnostics::new();
        for s in [&ENDPOINT, &TOKEN] {
            if config.get(s.name).is_unknown() {
                errors.push(setting_error(
                    s,
                    "Unknown provider setting",
                    "The value depends on something not yet created, so the platform cannot be \
                     reached during plan.",
                ));
            }
        }
        errors.clone().into_result()?;

        let endpoint = setting(config, &ENDPOINT);
        let token = setting(config, &TOKEN);
        let endpoint = match endpoint.as_deref().map(url::Url::parse) {
            None => {
                errors.push(setting_error(
                    &ENDPOINT,
                    "Missing provider setting",
                    "The ACP API endpoint is not set.",
                ));
                None
            }
            Some(Err(_)) => {
                errors.push(setting_error(
                    &ENDPOINT,
                    "Invalid provider setting",
                    "The endpoint must be an absolute http:// or https:// URL.",
                ));
                None
            }
            Some(Ok(url)) if !matches!(url.scheme(), "http" | "https") => {
                errors.push(setting_error(
                    &ENDPOINT,
                    "Invalid provider setting",
                    "The endpoint must be an absolute http:// or https:// URL.",
                ));
                None
            }
            Some(Ok(url)) => Some(url),
        };
        match token.as_deref() {
            None => errors.push(setting_error(
                &TOKEN,
                "Missing provider setting",
                "No API token is set.",
            )),
            // Usually an unset variable inside quotes, or a stray newline from a file.
            // (An empty token counts as unset, so a padded one covers the blank ones.)
            Some(t) if t.trim() != t => errors.push(setting_error(
                &TOKEN,
                "Invalid provider setting",
                "The API token is blank or starts or ends with whitespace (a newline read \
                 from a file, for instance); no platform token does.",
            )),
            Some(_) => {}
        }
        let request_timeout = match setting(config, &REQUEST_TIMEOUT) {
            None => DEFAULT_REQUEST_TIMEOUT,
            Some(text) => timeouts::parse(&text).unwrap_or_else(|reason| {
                errors.push(setting_error(
                    &REQUEST_TIMEOUT,
                    "Invalid provider setting",
                    &reason,
                ));
                DEFAULT_REQUEST_TIMEOUT
            }),
        };
        let max_retries = match config.get(MAX_RETRIES.name).as_i64() {
            Some(n) => u32::try_from(n).unwrap_or(DEFAULT_MAX_RETRIES),
            None => match std::env::var(MAX_RETRIES.env)
                .ok()
                .filter(|v| !v.is_empty())
            {
                None => DEFAULT_MAX_RETRIES,
                Some(text) => text.trim().parse::<u32>().unwrap_or_else(|_| {
                    errors.push(setting_error(
                        &MAX_RETRIES,
                        "Invalid provider setting",
                        "Must be a whole number from 0 to 20.",
                    ));
                    DEFAULT_MAX_RETRIES
                }),
            },
        };
        let insecure = match config.get(INSECURE.name).as_bool() {
            Some(b) => b,
            None => match std::env::var(INSECURE.env).ok() {
                None => false,
                Some(text) => parse_bool(&text).unwrap_or_else(|| {
                    errors.push(setting_error(
                        &INSECURE,
                        "Invalid provider setting",
                        "Must be true or false.",
                    ));
                    false
                }),
            },
        };
        errors.into_result()?;
        let (Some(endpoint), Some(token)) = (endpoint, token) else {
            return Err(Diagnostic::error(
                "Invalid provider configuration",
                "The endpoint or token is missing.",
            )
            .into());
        };
        if insecure {
            warnings.push(Diagnostic::warning(
                "TLS certificate verification is disabled",
                "insecure_skip_tls_verify is set, so the provider accepts any certificate from \
                 the platform and the API token can be intercepted. Use ca_cert_pem to trust a \
                 private CA instead.",
            ));
        }
        let mut client_config = acp_client::ClientConfig::new(endpoint, token);
        client_config.username = setting(config, &USERNAME);
        client_config.ca_cert_pem = setting(config, &CA_CERT_PEM);
        client_config.insecure_skip_tls_verify = insecure;
        client_config.request_timeout = request_timeout;
        client_config.max_retries = max_retries;
        client_config.user_agent = format!(
            "terraform-provider-acp/{} (terraform {terraform_version})",
            env!("CARGO_PKG_VERSION")
        );
        let client = acp_client::Client::new(client_config)
            .map_err(|e| Diagnostics::from(client_setup_error(&e)))?;
        credentials::check(&client, request_timeout)
            .await
            .map_err(|problem| Diagnostics::from(credential_error(problem)))?;
        tracing::debug!(
            version = env!("CARGO_PKG_VERSION"),
            terraform_version,
            "provider configured"
        );
        Ok(Platform::new(client))
    }

    fn resources(&self) -> Vec<Box<dyn Resource<Platform>>> {
        resources::all()
    }

    fn data_sources(&self) -> Vec<Box<dyn DataSource<Platform>>> {
        data_sources::all()
    }
}
