//! `acp_workspace_storage`: a workspace's custom S3-compatible storage for session state.
//!
//! The platform's quirks shape this resource:
//! - there is no storage endpoint: the settings are keys of the workspace's integration secret
//!   (`STORAGE_MODE=custom` plus `S3_ENDPOINT`, `S3_BUCKET`, `S3_REGION`, `S3_ACCESS_KEY`,
//!   `S3_SECRET_KEY`), the way the platform's settings page stores them. Writes go through the
//!   same serialised read-modify-write as `acp_workspace_secret`
//!   ([`crate::secret_maps::update_map`]), so the other keys of that map are untouched;
//! - the resource exists exactly when `STORAGE_MODE` is `custom`, which is what the operator
//!   honours (the UI also treats a set `S3_ENDPOINT` as custom; the operator does not);
//! - nothing is validated or probed by the platform when the keys are written (only when a
//!   session starts), so the endpoint and bucket are checked here at plan time;
//! - destroy returns the workspace to the shared storage as the settings page does: the five
//!   `S3_*` keys go and `STORAGE_MODE` becomes `shared`;
//! - values read back in clear text, so edits made outside Terraform show as drift, except
//!   the secret key given through `secret_key_wo` (see [`super::sensitive_input`]).

use std::net::Ipv4Addr;

use async_trait::async_trait;

use crate::framework::validators::{NotBlank, StringRule};
use crate::framework::{
    Attribute, Ctx, DiagResult, Diagnostic, Diagnostics, Plan, Resource, Schema, Value,
};
use crate::platform::Platform;
use crate::resources::sensitive_input::SensitiveInput;
use crate::resources::workspace_secret::check_workspace;
use crate::secret_maps::{get_map, map_error, update_map, workspace_gone, MapKind};
use acp_client::SecretMap;

const MODE: &str = "STORAGE_MODE";
const ENDPOINT: &str = "S3_ENDPOINT";
const BUCKET: &str = "S3_BUCKET";
const REGION: &str = "S3_REGION";
const ACCESS_KEY: &str = "S3_ACCESS_KEY";
const SECRET_KEY: &str = "S3_SECRET_KEY";
/// The keys removed when the workspace goes back to shared storage.
const S3_KEYS: [&str; 5] = [ENDPOINT, BUCKET, REGION, ACCESS_KEY, SECRET_KEY];

const SECRET: SensitiveInput = SensitiveInput {
    plain: "secret_key",
    write_only: "secret_key_wo",
    version: "secret_key_wo_version",
};

/// The `acp_workspace_storage` resource type.
pub struct WorkspaceStorageResource;

/// Checks an endpoint: an absolute http(s) URL with a host and without credentials.
pub fn check_endpoint(endpoint: &str) -> Result<(), String> {
    // The URL parser forgives surrounding white space; the platform would store it as typed.
    if endpoint.trim() != endpoint {
        return Err("Remove the white space around the URL.".to_string());
    }
    // The parser drops tabs and newlines inside a URL, so what it checks would not be what
    // the platform stores and session runners use; invisible characters (zero-width space,
    // soft hyphen) would make the host unresolvable. International names have an ASCII form.
    if !endpoint.chars().all(|c| c.is_ascii_graphic()) {
        return Err(
            "Use only visible ASCII characters in the URL: no white space or control \
             characters, and the punycode form for an international host name."
                .to_string(),
        );
    }
    let url = url::Url::parse(endpoint).map_err(|e| {
        format!("Must be an absolute URL such as https://s3.eu-west-1.amazonaws.com ({e}).")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "Must use http or https, not {:?}, e.g. https://s3.amazonaws.com.",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("Must name a host, e.g. https://minio.example.internal:9000.".to_string());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "Must not contain credentials; set access_key and secret_key instead.".to_string(),
        );
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("Must not have a query string or fragment.".to_string());
    }
    Ok(())
}

/// Checks a bucket name against the S3 naming rules.
pub fn check_bucket(bucket: &str) -> Result<(), String> {
    if !(3..=63).contains(&bucket.len()) {
        return Err(format!(
            "Must be 3 to 63 characters long; this name has {}.",
            bucket.chars().count()
        ));
    }
    let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-';
    if !bucket.bytes().all(allowed) {
        return Err("Use only lowercase letters, digits, '.' and '-'.".to_string());
    }
    let alnum = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !alnum(bucket.bytes().next()) || !alnum(bucket.bytes().last()) {
        return Err("Must start and end with a lowercase letter or a digit.".to_string());
    }
    if bucket.contains("..") || bucket.contains(".-") || bucket.contains("-.") {
        return Err("Must not contain '..', '.-' or '-.'.".to_string());
    }
    if bucket.parse::<Ipv4Addr>().is_ok() {
        return Err("Must not look like an IP address.".to_string());
    }
    Ok(())
}

fn import_command(workspace: &str) -> String {
    format!("terraform import acp_workspace_storage.<name> {workspace}")
}

/// The state for the settings found in a map, `None` when the workspace uses shared storage.
fn state_from_map(workspace: &str, map: &SecretMap, prior: &Value) -> Option<Value> {
    if map.get(MODE).map(String::as_str) != Some("custom") {
        return None;
    }
    let key = |k: &str| map.get(k).map_or(Value::Null, |v| Value::from(v.as_str()));
    let secret_key = map
        .get(SECRET_KEY)
        .map_or(Value::Null, |v| SECRET.read_value(prior, v));
    Some(Value::object([
        ("id", Value::from(workspace)),
        ("workspace", Value::from(workspace)),
        ("endpoint", key(ENDPOINT)),
        ("bucket", key(BUCKET)),
        ("region", key(REGION)),
        ("access_key", key(ACCESS_KEY)),
        ("secret_key", secret_key),
        ("secret_key_wo", Value::Null),
        (
            "secret_key_wo_version",
            prior.get("secret_key_wo_version").clone(),
        ),
    ]))
}

/// The planned state with the write-only value dropped, as it goes into state after a write.
fn written_state(workspace: &str, planned: &Value) -> Value {
    let mut state = planned.clone();
    state.set("id", Value::from(workspace));
    state.set("secret_key_wo", Value::Null);
    state
}

/// Writes the configured settings into the integration map.
async fn write_settings(
    platform: &Platform,
    workspace: &str,
    planned: &Value,
    config: &Value,
    must_be_new: bool,
) -> DiagResult<()> {
    let secret_key = SECRET.value_to_send(config).ok_or_else(|| {
        Diagnostic::error(
            "No secret key for the storage",
            "Neither `secret_key` nor `secret_key_wo` reached the provider. Set one of them; \
             `secret_key_wo` needs Terraform 1.11 or later.",
        )
    })?;
    let settings = [
        (ENDPOINT, planned.get("endpoint").to_opt_string()),
        (BUCKET, planned.get("bucket").to_opt_string()),
        (REGION, planned.get("region").to_opt_string()),
        (ACCESS_KEY, planned.get("access_key").to_opt_string()),
        (SECRET_KEY, Some(secret_key)),
    ];
    update_map(
        platform,
        workspace,
        MapKind::Integration,
        "configure storage",
        |map| {
            if must_be_new && map.get(MODE).map(String::as_str) == Some("custom") {
                return Err(Diagnostic::error(
                    format!("Workspace {workspace:?} already has custom storage"),
                    format!(
                        "The workspace's storage was customised outside this Terraform \
                         state. To manage it here, import it:\n\n  {}\n\nor switch the \
                         workspace back to shared storage first.",
                        import_command(workspace)
                    ),
                )
                .into());
            }
            map.insert(MODE.to_string(), "custom".to_string());
            for (key, value) in &settings {
                match value {
                    Some(v) => map.insert(key.to_string(), v.clone()),
                    None => map.remove(*key),
                };
            }
            Ok(())
        },
    )
    .await
}

#[async_trait]
impl Resource<Platform> for WorkspaceStorageResource {
    fn type_name(&self) -> &'static str {
        "acp_workspace_storage"
    }

    fn schema(&self) -> Schema {
        let mut attributes = vec![
            Attribute::string("id")
                .computed()
                .use_state_for_unknown()
                .description("The workspace name, also the import id."),
            Attribute::string("workspace")
                .required()
                .requires_replace()
                .validator(StringRule {
                    description: "a workspace name",
                    check: check_workspace,
                })
                .description(
                    "Name of the workspace whose session state goes to this storage. Changing \
                     it returns the old workspace to shared storage and configures the new one.",
                ),
            Attribute::string("endpoint")
                .required()
                .validator(StringRule {
                    description: "an http or https URL",
                    check: check_endpoint,
                })
                .description(
                    "S3 API endpoint, an `http` or `https` URL such as \
                     `https://s3.eu-west-1.amazonaws.com` or `http://minio.example.internal:9000`. \
                     Checked by the platform only when a session starts.",
                ),
            Attribute::string("bucket")
                .required()
                .validator(StringRule {
                    description: "an S3 bucket name",
                    check: check_bucket,
                })
                .description(
                    "Bucket name, following S3 naming rules: 3–63 lowercase letters, digits, \
                     `.` and `-`, starting and ending with a letter or digit, no `..`, not an \
                     IP address. Session state lands under `<bucket>/<workspace>/<session>/`.",
                ),
            Attribute::string("region").validator(NotBlank).description(
                "Region, e.g. `eu-west-1`. Stored for reference; the platform's operator \
                     does not use it at present. Left unset, no region is stored.",
            ),
            Attribute::string("access_key")
                .required()
                .sensitive()
                .validator(NotBlank)
                .description("Access key id for the bucket (marked sensitive)."),
        ];
        attributes.extend(SECRET.attributes("Secret access key for the bucket"));
        Schema::new(
            "Custom S3-compatible storage for the session state of one ACP workspace. Without \
             it the workspace uses the platform's shared storage; destroying it switches the \
             workspace back to shared storage. At most one per workspace.\n\n\
             The platform keeps these settings as keys (`STORAGE_MODE`, `S3_*`) of the same \
             integration secret map as the workspace's secrets, and can only replace that map \
             as a whole. The provider therefore re-reads the map and writes it back while holding \
             a lock on it, so storage and `acp_workspace_secret` resources applied in parallel \
             do not overwrite each other, and keys set outside Terraform survive. The lock only \
             spans one provider process: a write made elsewhere at the same moment (web UI, \
             another Terraform run) can still be lost.",
            attributes,
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        SECRET.validate(config, diags);
    }

    async fn modify_plan(&self, _data: Option<&Platform>, plan: &mut Plan<'_>) -> DiagResult<()> {
        if let Value::String(workspace) = plan.config.get("workspace") {
            let id = Value::from(workspace.as_str());
            plan.planned.set("id", id);
        }
        Ok(())
    }

    async fn create(
        &self,
        ctx: &mut Ctx<'_, Platform>,
        planned: &Value,
        config: &Value,
    ) -> DiagResult<Value> {
        let workspace = planned.get("workspace").to_opt_string().unwrap_or_default();
        write_settings(ctx.data, &workspace, planned, config, true).await?;
        tracing::debug!(workspace = %workspace, "configured custom storage");
        Ok(written_state(&workspace, planned))
    }

    async fn read(&self, ctx: &mut Ctx<'_, Platform>, state: &Value) -> DiagResult<Option<Value>> {
        let workspace = state.get("workspace").to_opt_string().unwrap_or_default();
        let map = match ctx.data.read_map(&workspace, MapKind::Integration).await {
            Ok(_) if ctx.data.workspace_going(&workspace).await => return Ok(None),
            Ok(map) => map,
            Err(_) if workspace_gone(ctx.data, &workspace).await => return Ok(None),
            Err(e) => {
                return Err(map_error(
                    ctx.data,
                    "read storage settings",
                    &workspace,
                    MapKind::Integration,
                    &e,
                )
                .await
                .into())
            }
        };
        let state = state_from_map(&workspace, &map, state);
        if state.is_none() {
            tracing::debug!(workspace = %workspace, "workspace uses shared storage");
        }
        Ok(state)
    }

    async fn update(
        &self,
        ctx: &mut Ctx<'_, Platform>,
        _prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> DiagResult<Value> {
        let workspace = planned.get("workspace").to_opt_string().unwrap_or_default();
        write_settings(ctx.data, &workspace, planned, config, false).await?;
        Ok(written_state(&workspace, planned))
    }

    async fn delete(&self, ctx: &mut Ctx<'_, Platform>, prior: &Value) -> DiagResult<()> {
        let workspace = prior.get("workspace").to_opt_string().unwrap_or_default();
        let reset = update_map(
            ctx.data,
            &workspace,
            MapKind::Integration,
            "return the workspace to shared storage",
            |map| {
                for key in S3_KEYS {
                    map.remove(key);
                }
                map.insert(MODE.to_string(), "shared".to_string());
                Ok(())
            },
        )
        .await;
        match reset {
            Ok(()) => Ok(()),
            Err(_) if workspace_gone(ctx.data, &workspace).await => Ok(()),
            Err(diags) => Err(diags),
        }
    }

    async fn import(&self, ctx: &mut Ctx<'_, Platform>, id: &str) -> DiagResult<Value> {
        if let Err(reason) = check_workspace(id) {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!(
                    "The import id of acp_workspace_storage is the workspace name, for example \
                     team-alpha. {reason}"
                ),
            )
            .into());
        }
        if ctx.data.workspace_going(id).await {
            return Err(Diagnostic::error(
                format!("Workspace {id:?} not found"),
                "The workspace in the import id does not exist or is being deleted. The import \
                 id of acp_workspace_storage is the workspace name.",
            )
            .into());
        }
        let map = match get_map(ctx.data, id, MapKind::Integration).await {
            Ok(map) => map,
            Err(e) => {
                let action = "import storage settings";
                return Err(map_error(ctx.data, action, id, MapKind::Integration, &e)
                    .await
                    .into());
            }
        };
        // A plain (non-null) secret key in the prior state makes Read report the stored one.
        let prior = Value::object([("secret_key", Value::from(""))]);
        state_from_map(id, &map, &prior).ok_or_else(|| {
            Diagnostic::error(
                format!("Workspace {id:?} uses shared storage"),
                "The workspace has no custom storage (its STORAGE_MODE is not `custom`), so \
                 there is nothing to import. Apply the configuration to set it up instead.",
            )
            .into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_plain_http_urls() {
        for good in [
            "https://s3.amazonaws.com",
            "http://minio.example.internal:9000",
            "https://storage.example.com/prefix",
        ] {
            assert!(check_endpoint(good).is_ok(), "{good} should be accepted");
        }
        for bad in [
            " https://s3.example.com ",
            "s3.amazonaws.com",
            "ftp://files.example.com",
            "https://user:pw@s3.example.com",
            "https://s3.example.com/?x=1",
            "https://s3.exa\tmple.com",
            "https://s3.example.com/a\nb",
            "https://s3 .example.com",
            "https://s3.example.com\u{200b}",
            "https://s3.exam\u{ad}ple.com",
            "",
            "https://",
        ] {
            assert!(check_endpoint(bad).is_err(), "{bad} should be refused");
        }
        let reason = check_endpoint("https://key:hunter2@s3.example.com").expect_err("creds");
        assert!(!reason.contains("hunter2"), "{reason}");
    }

    #[test]
    fn buckets_follow_s3_naming() {
        for good in ["abc", "my-bucket.logs", "0data", &"a".repeat(63)] {
            assert!(check_bucket(good).is_ok(), "{good} should be accepted");
        }
        for bad in [
            "ab",
            &"a".repeat(64),
            "My-Bucket",
            "-bucket",
            "bucket-",
            ".bucket",
            "a..b",
            "a.-b",
            "a-.b",
            "192.168.1.10",
            "under_score",
        ] {
            assert!(check_bucket(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn only_custom_mode_is_a_resource() {
        let prior = Value::object([("secret_key", Value::from("old"))]);
        let shared: SecretMap = [(MODE, "shared"), (ENDPOINT, "https://x.example.com")]
            .into_iter()
            .collect();
        assert!(state_from_map("team", &shared, &prior).is_none());
        assert!(state_from_map("team", &SecretMap::new(), &prior).is_none());

        let custom: SecretMap = [
            (MODE, "custom"),
            (ENDPOINT, "https://s3.example.com"),
            (BUCKET, "bucket"),
            (ACCESS_KEY, "AK"),
            (SECRET_KEY, "new"),
        ]
        .into_iter()
        .collect();
        let state = state_from_map("team", &custom, &prior).expect("custom storage");
        assert_eq!(state.get("id").as_str(), Some("team"));
        assert_eq!(state.get("bucket").as_str(), Some("bucket"));
        assert!(state.get("region").is_null());
        assert_eq!(
            state.get("secret_key").as_str(),
            Some("new"),
            "drift is visible"
        );

        let write_only = Value::object([("secret_key_wo_version", Value::from(2))]);
        let state = state_from_map("team", &custom, &write_only).expect("custom storage");
        assert!(state.get("secret_key").is_null(), "nothing to compare with");
        assert_eq!(state.get("secret_key_wo_version").as_i64(), Some(2));
    }
}
