//! Start-up configuration of the emulator: who the admin is, which extra user tokens exist,
//! which cluster flavour to imitate, how long deleted projects linger, which faults to inject
//! and whether to serve HTTPS.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::faults::FaultPlan;

/// Everything the emulator needs to know before it serves its first request.
#[derive(Debug, Clone)]
pub struct Config {
    /// Token of a cluster admin: sees every project and may do everything.
    pub admin_token: String,
    /// Further bearer tokens, each mapped to a Kubernetes user name and groups.
    pub users: Vec<UserToken>,
    /// Imitate OpenShift (display name and description stored as annotations) instead of
    /// vanilla Kubernetes.
    pub openshift: bool,
    /// How long a deleted project keeps answering with `"status":"Terminating"`.
    pub terminating_period: Duration,
    /// Where to load state from at start and save it after every change.
    pub state_file: Option<PathBuf>,
    /// Emulate the backend's 30 s cache of access-review decisions (§1.3 of the API doc).
    pub access_cache: bool,
    /// Faults to inject from the first request on; empty by default.
    pub faults: FaultPlan,
    /// PEM certificate chain and PEM private key: serve HTTPS with them instead of HTTP.
    pub tls: Option<(String, String)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            admin_token: "admin-token".to_owned(),
            users: Vec::new(),
            openshift: false,
            terminating_period: Duration::ZERO,
            state_file: None,
            access_cache: false,
            faults: FaultPlan::default(),
            tls: None,
        }
    }
}

/// A bearer token that authenticates as a plain (non-admin) user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserToken {
    pub token: String,
    pub username: String,
    pub groups: Vec<String>,
}

impl UserToken {
    /// Convenience constructor for tests.
    pub fn new(token: &str, username: &str, groups: &[&str]) -> UserToken {
        UserToken {
            token: token.to_owned(),
            username: username.to_owned(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        }
    }
}

/// Parses `TOKEN=USERNAME[:group1,group2]`. The user name ends at the first `:`, so group
/// names may themselves contain colons (`system:authenticated`) but user names may not.
impl FromStr for UserToken {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let (token, rest) = spec
            .split_once('=')
            .ok_or_else(|| format!("expected TOKEN=USERNAME[:groups], got {spec:?}"))?;
        let (username, groups) = match rest.split_once(':') {
            Some((user, groups)) => (user, groups),
            None => (rest, ""),
        };
        if token.is_empty() || username.is_empty() {
            return Err(format!("token and user name must not be empty in {spec:?}"));
        }
        let groups = groups
            .split(',')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(UserToken {
            token: token.to_owned(),
            username: username.to_owned(),
            groups,
        })
    }
}
