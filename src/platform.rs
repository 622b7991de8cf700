//! What a configured provider hands to its resources: the platform client, facts about the
//! cluster learned once, and the translation of platform errors into diagnostics that say
//! what to fix.

use acp_client::{AccessKey, Client, Error, Permission, Project, SecretMap};
use tokio::sync::OnceCell;

use crate::framework::Diagnostic;
use crate::keyed_locks::KeyedLocks;
use crate::secret_maps::{MapKind, MapLocks};
use crate::shared_reads::{SharedError, SharedReads};

/// The configured connection to one ACP platform.
#[derive(Debug)]
pub struct Platform {
    client: Client,
    openshift: OnceCell<bool>,
    op_locks: KeyedLocks,
    map_locks: MapLocks,
    map_reads: SharedReads<SecretMap>,
    permission_reads: SharedReads<Vec<Permission>>,
    key_reads: SharedReads<Vec<AccessKey>>,
    project_reads: SharedReads<Project>,
}

impl Platform {
    /// Wraps a configured client.
    pub fn new(client: Client) -> Platform {
        Platform {
            client,
            openshift: OnceCell::new(),
            op_locks: KeyedLocks::new(),
            map_locks: MapLocks::default(),
            map_reads: SharedReads::default(),
            permission_reads: SharedReads::default(),
            key_reads: SharedReads::default(),
            project_reads: SharedReads::default(),
        }
    }

    /// Reads one of a workspace's secret maps, sharing the request with overlapping reads of
    /// the same map (see [`crate::shared_reads`]). For refreshes only: writes re-read under
    /// the map's lock.
    pub async fn read_map(&self, workspace: &str, kind: MapKind) -> Result<SecretMap, SharedError> {
        let client = self.client.clone();
        let owned = workspace.to_string();
        let key = format!("{}/{workspace}", kind.as_str());
        self.map_reads
            .get(&key, move || async move {
                match kind {
                    MapKind::Runner => client.get_runner_secrets(&owned).await,
                    MapKind::Integration => client.get_integration_secrets(&owned).await,
                }
            })
            .await
    }

    /// True when a refresh should treat what is inside the workspace as gone: the workspace
    /// does not exist or is terminating. While it terminates the platform still answers for
    /// its secrets, shares and keys, but they disappear with it; reading them as present
    /// would make Terraform recreate only the workspace, and the rest one apply later.
    /// Other errors answer false, so they surface from the caller's own request.
    pub async fn workspace_going(&self, workspace: &str) -> bool {
        let client = self.client.clone();
        let owned = workspace.to_string();
        let read = self
            .project_reads
            .get(workspace, move || async move {
                client.get_project(&owned).await
            })
            .await;
        match read {
            Ok(project) => project.is_terminating(),
            Err(e) => e.is_not_found(),
        }
    }

    /// Forgets shared reads of a workspace's collections, after this process wrote to them.
    pub fn forget_reads(&self, workspace: &str) {
        self.map_reads.forget(&format!("runner/{workspace}"));
        self.map_reads.forget(&format!("integration/{workspace}"));
        self.permission_reads.forget(workspace);
        self.key_reads.forget(workspace);
        self.project_reads.forget(workspace);
    }

    /// Lists a workspace's grants, sharing the request with overlapping refreshes.
    pub async fn read_permissions(&self, workspace: &str) -> Result<Vec<Permission>, SharedError> {
        let client = self.client.clone();
        let owned = workspace.to_string();
        self.permission_reads
            .get(workspace, move || async move {
                client.list_permissions(&owned).await
            })
            .await
    }

    /// Lists a workspace's API keys, sharing the request with overlapping refreshes.
    pub async fn read_keys(&self, workspace: &str) -> Result<Vec<AccessKey>, SharedError> {
        let client = self.client.clone();
        let owned = workspace.to_string();
        self.key_reads
            .get(
                workspace,
                move || async move { client.list_keys(&owned).await },
            )
            .await
    }

    /// The platform client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The locks that serialise writes to each workspace's secret maps (see
    /// [`crate::secret_maps`]).
    pub fn map_locks(&self) -> &MapLocks {
        &self.map_locks
    }

    /// Locks that serialise multi-step platform operations on one thing (such as the grants
    /// of one subject in one workspace) across resources applied in parallel.
    pub fn op_locks(&self) -> &KeyedLocks {
        &self.op_locks
    }

    /// Whether the platform runs on OpenShift (which stores workspace display names and
    /// descriptions), asked once per provider process; `None` when the platform cannot say.
    pub async fn is_openshift(&self) -> Option<bool> {
        self.openshift
            .get_or_try_init(|| async {
                self.client
                    .cluster_info()
                    .await
                    .map(|info| info.is_openshift)
            })
            .await
            .ok()
            .copied()
    }
}

/// A diagnostic for a failed platform call: `action` is a phrase such as "create workspace
/// \"team-alpha\"". The detail explains the cause and names the setting or role to fix.
pub fn api_error(action: &str, err: &Error) -> Diagnostic {
    let summary = format!("Unable to {action}");
    let cause = err
        .api_message()
        .map_or_else(|| err.to_string(), str::to_string);
    let detail = match err.status() {
        // Creating a workspace needs a user name besides the token; without one the platform
        // answers 401 "Invalid token" although the token is fine.
        Some(401) if cause == "Invalid token" => format!(
            "The platform could not tell which user is acting ({cause}). When no SSO proxy sits \
             in front of the platform, set `username` in the provider block or ACP_USERNAME to \
             the token's user name; otherwise check `token` or ACP_TOKEN."
        ),
        // An invalid token fails the platform's permission check with a 500.
        Some(500) if cause == "Failed to verify permissions" => format!(
            "The platform could not verify the caller's permissions ({cause}), which is how it \
             answers an invalid or expired token. Check `token` in the provider block or the \
             ACP_TOKEN environment variable."
        ),
        Some(401) => format!(
            "The platform rejected the API token ({cause}). Check `token` in the provider block \
             or the ACP_TOKEN environment variable; the token may have expired."
        ),
        // A router or proxy that does not know the path, not the platform saying "no such
        // object": the endpoint points somewhere else than the backend API.
        Some(404) if !err.is_not_found() => format!(
            "The answer did not come from the ACP backend API (HTTP 404: {cause}). Check \
             `endpoint` in the provider block or ACP_ENDPOINT: it is the backend's base URL, \
             without `/api`."
        ),
        Some(403) => format!(
            "The platform refused the request ({cause}). The token's user needs the admin role \
             on the workspace for this operation (view is enough only for data sources)."
        ),
        // A success status with a body that is not what the API returns: a proxy's page, a
        // truncated answer or an incompatible platform version.
        Some(_) if matches!(err, Error::Decode { .. }) => format!(
            "The platform's answer could not be read ({cause}). A proxy in front of the \
             platform, or a platform version this provider does not know, may have answered; \
             check `endpoint` in the provider block or ACP_ENDPOINT, and try again."
        ),
        Some(status) => format!("The platform answered HTTP {status}: {cause}."),
        None if err.is_connect() && mentions_certificate(err) => format!(
            "The platform's TLS certificate was not accepted: {}. If the platform uses a \
             private CA, give it in `ca_cert_pem` in the provider block or ACP_CA_CERT_PEM; \
             if the certificate names another host, use that host in `endpoint`.{}",
            cause_chain(err),
            self_signed_ca_hint(err)
        ),
        None if err.is_connect() => format!(
            "Could not connect to the platform: {}. Check `endpoint` in the provider block \
             or ACP_ENDPOINT, and that the platform is reachable from here.",
            cause_chain(err)
        ),
        None if err.is_timeout() => format!(
            "The platform did not answer in time: {err}. Raise `request_timeout` if the \
             platform is slow, or try again."
        ),
        None => format!("{err}."),
    };
    Diagnostic::error(summary, detail)
}

/// The error and its sources, joined: reqwest's own message ("error sending request") hides
/// the reason (refused connection, unknown certificate) in its sources.
pub(crate) fn cause_chain(err: &Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Extra advice for a certificate refused because it is itself marked as a CA: what
/// `openssl req -x509` makes by default, and what rustls will not take as a server's own.
pub(crate) fn self_signed_ca_hint(err: &Error) -> &'static str {
    if cause_chain(err).contains("CaUsedAsEndEntity") {
        " The platform presents a certificate marked as a CA (basicConstraints CA:TRUE, the \
         default of `openssl req -x509`), which is refused as a server's own certificate even \
         when trusted: serve a certificate signed by that CA, or re-create the self-signed one \
         with basicConstraints=CA:FALSE."
    } else {
        ""
    }
}

pub(crate) fn mentions_certificate(err: &Error) -> bool {
    cause_chain(err)
        .to_ascii_lowercase()
        .contains("certificate")
}
