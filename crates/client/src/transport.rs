//! The request/response core shared by every API call.
//!
//! [`Transport`] owns the `reqwest` client (one connection pool per
//! [`Client`](crate::Client)), adds authentication and identity headers,
//! enforces the per-attempt deadline, runs the retry loop of
//! [`crate::retry`], logs each attempt, and turns responses into values or
//! [`Error`]s.
//!
//! Logging rules: one `debug` event per attempt (method, path, status,
//! attempt, elapsed ms) and one `warn` per retry with its reason. Response
//! bodies are logged at `trace` only for calls not marked sensitive; request
//! bodies and headers are never logged. The token cannot reach a log line:
//! it only travels in a header marked sensitive, and paths never carry it.

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::ClientConfig;
use crate::error::{redact, snippet, Error};
use crate::retry::{self, Failure, Repeat, RetryPolicy};
use crate::secret::Secret;

/// Connect attempts give up after this long even if the per-attempt timeout
/// is longer, so an unreachable endpoint fails (and retries) promptly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP core. Cheap to share behind an `Arc`.
pub(crate) struct Transport {
    http: reqwest::Client,
    endpoint: url::Url,
    /// Kept only to scrub it out of body excerpts.
    token: Secret<String>,
    username: Option<String>,
    timeout: Duration,
    max_retries: u32,
    policy: RetryPolicy,
}

/// One logical API call, possibly sent several times.
pub(crate) struct Call {
    method: Method,
    segments: Vec<String>,
    query: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    operation: String,
    sensitive: bool,
    repeat: Repeat,
    single_attempt: bool,
}

impl Call {
    /// A call to `/api/<segments...>`; each segment is percent-encoded as a
    /// single path segment, so a `/` inside a name cannot change the route.
    pub(crate) fn new<S: AsRef<str>>(method: Method, segments: &[S], operation: String) -> Self {
        let repeat = if method == Method::POST {
            Repeat::NotIdempotent
        } else {
            Repeat::Idempotent
        };
        let segments = std::iter::once("api")
            .chain(segments.iter().map(AsRef::as_ref))
            .map(str::to_owned)
            .collect();
        Self {
            method,
            segments,
            query: Vec::new(),
            body: None,
            operation,
            sensitive: false,
            repeat,
            single_attempt: false,
        }
    }

    /// Adds a query parameter.
    pub(crate) fn query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    /// Sets a JSON request body.
    pub(crate) fn json<T: Serialize>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::InvalidConfig(format!("{}: could not encode request: {e}", self.operation))
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// Marks the call as carrying secrets: no body is ever logged or quoted.
    pub(crate) fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Lets a POST be repeated like a GET: for a write whose repeat the server
    /// recognises (a second grant of the same role answers 409).
    pub(crate) fn safe_to_repeat(mut self) -> Self {
        self.repeat = Repeat::Idempotent;
        self
    }

    /// Sends the call once, whatever happens: the caller repeats it itself, typically
    /// because a repeat must carry a body rebuilt from fresh data.
    pub(crate) fn single_attempt(mut self) -> Self {
        self.single_attempt = true;
        self
    }
}

/// A successful (2xx) response.
pub(crate) struct Reply {
    status: u16,
    body: Vec<u8>,
}

/// The outcome of one attempt that got an HTTP answer.
struct Answer {
    status: StatusCode,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

impl Transport {
    pub(crate) fn new(config: ClientConfig, policy: RetryPolicy) -> Result<Self, Error> {
        let endpoint = config.endpoint;
        if !matches!(endpoint.scheme(), "http" | "https") || endpoint.cannot_be_a_base() {
            return Err(Error::InvalidConfig(format!(
                "endpoint {endpoint} must be an http:// or https:// URL"
            )));
        }
        if config.request_timeout.is_zero() {
            return Err(Error::InvalidConfig(
                "request_timeout must be greater than zero".into(),
            ));
        }

        let headers = default_headers(&config.token, config.username.as_deref())?;
        let builder = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(config.user_agent.as_str())
            .default_headers(headers)
            // A redirect usually means a misconfigured endpoint (for example
            // the UI host); following it would turn a POST into a GET.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.request_timeout.min(CONNECT_TIMEOUT))
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_keepalive(Duration::from_secs(60))
            .danger_accept_invalid_certs(config.insecure_skip_tls_verify);

        let http = match config.ca_cert_pem.as_deref() {
            None => builder
                .build()
                .map_err(|e| Error::InvalidConfig(format!("could not build http client: {e}")))?,
            Some(pem) => with_extra_roots(builder, pem)?,
        };

        Ok(Self {
            http,
            endpoint,
            token: Secret::new(config.token),
            username: config.username,
            timeout: config.request_timeout,
            max_retries: config.max_retries,
            policy,
        })
    }

    pub(crate) fn endpoint(&self) -> &url::Url {
        &self.endpoint
    }

    pub(crate) fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// Sends the call and decodes a JSON success body into `T`.
    pub(crate) async fn json<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        let reply = self.send(&call).await?;
        if reply.body.iter().all(u8::is_ascii_whitespace) {
            return Err(self.decode_error(&call, &reply, "empty body".into()));
        }
        serde_json::from_slice(&reply.body)
            .map_err(|e| self.decode_error(&call, &reply, e.to_string()))
    }

    /// Sends the call and ignores the success body (204s and `{"message"}`s).
    pub(crate) async fn unit(&self, call: Call) -> Result<(), Error> {
        self.send(&call).await.map(drop)
    }

    /// Runs the retry loop until a 2xx answer or a final error.
    async fn send(&self, call: &Call) -> Result<Reply, Error> {
        let url = self.url(call)?;
        let path = url.path();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let outcome = self.attempt(call, &url).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;

            let (failure, error, server_delay) = match outcome {
                Ok(answer) => {
                    let status = answer.status.as_u16();
                    tracing::debug!(method = %call.method, path = %path, status, attempt, elapsed_ms, "acp request");
                    if !call.sensitive {
                        tracing::trace!(
                            method = %call.method,
                            path = %path,
                            body = %redact(&String::from_utf8_lossy(&answer.body), self.token.expose_secret()),
                            "acp response body"
                        );
                    }
                    if answer.status.is_success() {
                        return Ok(Reply {
                            status,
                            body: answer.body,
                        });
                    }
                    let delay = answer
                        .retry_after
                        .or_else(|| retry::parse_retry_after_body(&answer.body));
                    (
                        Failure::Status(status),
                        self.api_error(call, &answer, delay),
                        delay,
                    )
                }
                Err((failure, error)) => {
                    tracing::debug!(method = %call.method, path = %path, attempt, elapsed_ms, error = %error, "acp request failed");
                    (failure, error, None)
                }
            };

            if call.single_attempt
                || attempt > self.max_retries
                || !retry::should_retry(call.repeat, failure)
            {
                return Err(error);
            }
            let delay = match server_delay {
                Some(d) => self.policy.server_delay(d),
                None => self.policy.backoff(attempt),
            };
            tracing::warn!(
                method = %call.method,
                path = %path,
                attempt,
                delay_ms = delay.as_millis() as u64,
                reason = %error,
                "retrying acp request"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: send, read the whole body, all within the deadline.
    async fn attempt(&self, call: &Call, url: &url::Url) -> Result<Answer, (Failure, Error)> {
        let mut request = self.http.request(call.method.clone(), url.clone());
        if let Some(body) = &call.body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let exchange = async {
            let response = request.send().await?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry::parse_retry_after_header(v, SystemTime::now()));
            let location = response.headers().get(header::LOCATION).cloned();
            let mut body = response.bytes().await?.to_vec();
            if status.is_redirection() {
                let target = location
                    .as_ref()
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("?");
                body = serde_json::to_vec(&serde_json::json!({
                    "error": format!("unexpected redirect to {target}; check the endpoint setting")
                }))
                .unwrap_or_default();
            }
            Ok::<_, reqwest::Error>(Answer {
                status,
                retry_after,
                body,
            })
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => {
                let connect = e.is_connect();
                let failure = if connect {
                    Failure::Connect
                } else if e.is_timeout() {
                    Failure::Timeout
                } else {
                    Failure::Transport
                };
                let error = Error::Transport {
                    operation: call.operation.clone(),
                    connect,
                    source: e.without_url(),
                };
                Err((failure, error))
            }
            Err(_elapsed) => Err((
                Failure::Timeout,
                Error::Timeout {
                    operation: call.operation.clone(),
                    timeout: self.timeout,
                },
            )),
        }
    }

    fn url(&self, call: &Call) -> Result<url::Url, Error> {
        let mut url = self.endpoint.clone();
        url.set_query(None);
        url.set_fragment(None);
        url.path_segments_mut()
            .map_err(|()| Error::InvalidConfig("endpoint cannot carry a path".into()))?
            .pop_if_empty()
            .extend(&call.segments);
        if !call.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(call.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    /// Builds an [`Error::Api`] from a non-2xx answer.
    fn api_error(&self, call: &Call, answer: &Answer, retry_after: Option<Duration>) -> Error {
        // The backend's error body has exactly one key. A gateway's JSON (`{"status":
        // 404, "error": "Not Found", "path": ...}`) must not pass for the platform's.
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ErrorBody {
            error: String,
        }
        let platform_body = serde_json::from_slice::<ErrorBody>(&answer.body)
            .ok()
            .filter(|body| !body.error.is_empty());
        let from_platform = platform_body.is_some();
        let message = match platform_body {
            Some(body) => redact(&body.error, self.token.expose_secret()),
            None => {
                let excerpt = snippet(&answer.body, self.token.expose_secret());
                if excerpt.is_empty() {
                    let reason = answer.status.canonical_reason().unwrap_or("no reason");
                    format!("empty response body ({reason})")
                } else {
                    excerpt
                }
            }
        };
        Error::Api {
            status: answer.status.as_u16(),
            message,
            operation: call.operation.clone(),
            retry_after,
            from_platform,
        }
    }

    /// The wait before the caller repeats a whole-map write that failed with `error` on its
    /// `attempt`-th try (1-based), or `None` when it should give up. Mirrors the policy the
    /// transport applies to calls it repeats itself, including the opt-in repeat on 500.
    pub(crate) fn repeat_delay(&self, attempt: u32, error: &Error) -> Option<Duration> {
        let failure = match error {
            Error::Api { status, .. } => Failure::Status(*status),
            Error::Timeout { .. } => Failure::Timeout,
            Error::Transport { connect: true, .. } => Failure::Connect,
            Error::Transport { source, .. } if source.is_timeout() => Failure::Timeout,
            Error::Transport { .. } => Failure::Transport,
            Error::Decode { .. } | Error::InvalidCaCert { .. } | Error::InvalidConfig(_) => {
                return None
            }
        };
        if attempt > self.max_retries || !retry::should_retry(Repeat::IdempotentEvenOn500, failure)
        {
            return None;
        }
        let delay = match error {
            Error::Api {
                retry_after: Some(wait),
                ..
            } => self.policy.server_delay(*wait),
            _ => self.policy.backoff(attempt),
        };
        Some(delay)
    }

    fn decode_error(&self, call: &Call, reply: &Reply, reason: String) -> Error {
        let snippet = if call.sensitive {
            "[withheld: secret-bearing endpoint]".to_owned()
        } else {
            snippet(&reply.body, self.token.expose_secret())
        };
        // serde_json quotes offending values in its messages; on a secret
        // endpoint that value could be a secret.
        let reason = if call.sensitive {
            reason
                .split_once(": ")
                .map(|(head, _)| head.to_owned())
                .unwrap_or(reason)
        } else {
            reason
        };
        Error::Decode {
            operation: call.operation.clone(),
            status: reply.status,
            reason,
            snippet,
        }
    }
}

fn default_headers(token: &str, username: Option<&str>) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    if !token.is_empty() {
        let mut auth = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            Error::InvalidConfig("token contains characters not allowed in an HTTP header".into())
        })?;
        auth.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, auth);
    }
    if let Some(user) = username {
        let value = HeaderValue::from_str(user).map_err(|_| {
            Error::InvalidConfig(format!(
                "username {user:?} contains characters not allowed in an HTTP header"
            ))
        })?;
        headers.insert("x-forwarded-user", value.clone());
        headers.insert("x-forwarded-preferred-username", value);
    }
    Ok(headers)
}

/// Adds the PEM roots to the builder, reporting unusable PEM as
/// [`Error::InvalidCaCert`].
fn with_extra_roots(
    mut builder: reqwest::ClientBuilder,
    pem: &str,
) -> Result<reqwest::Client, Error> {
    let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|e| {
        Error::InvalidCaCert {
            reason: error_chain(&e),
        }
    })?;
    if certs.is_empty() {
        return Err(Error::InvalidCaCert {
            reason: "no CERTIFICATE block found".into(),
        });
    }
    for cert in certs {
        builder = builder.add_root_certificate(cert);
    }
    // The DER inside each block is only checked when the TLS config is
    // built, and reqwest reports that as a generic builder error.
    builder.build().map_err(|e| Error::InvalidCaCert {
        reason: error_chain(&e),
    })
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
