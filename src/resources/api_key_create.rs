//! Creating an API key without leaving half-created keys behind.
//!
//! The platform creates a key in three steps (ServiceAccount, RoleBinding, token) and does
//! not roll back when a later step fails: a 500 such as "Failed to bind service account" or
//! "Failed to generate access token" leaves a ServiceAccount that the key list shows, without
//! a usable token. A request that timed out may also have created a key whose token never
//! reached us. Such keys are found by comparing the key list before and after the attempt:
//! a key with our name that was not there before is ours. The caller holds a per-(workspace,
//! name) lock so that no other create of the same name in this process can add one meanwhile.

use std::collections::HashSet;

use acp_client::{CreateAccessKey, CreatedAccessKey, Error};

use crate::framework::{DiagResult, Diagnostic};
use crate::platform::Platform;
use crate::resilience::lost::{is_lost_answer, MAX_CREATE_ATTEMPTS};
use crate::resilience::role::needs_role;
use crate::resilience::wait::{eventually, in_workspace, LIST_LAG_WAIT};

/// A created key, its creation time as the platform lists it (`None` if the listing after
/// create failed or did not show the key in time), and warnings about what had to be repaired.
pub(crate) struct Created {
    pub(crate) key: CreatedAccessKey,
    pub(crate) created_at: Option<String>,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Creates a key; on a failure that may have left a partial key, deletes it and says so.
///
/// A lost answer (see [`crate::resilience::lost`]) may hide a key that was created but whose
/// token never reached us. Such a key is useless to Terraform, so it is deleted and the
/// create is sent once more, with a warning saying so.
pub(crate) async fn create_key(
    platform: &Platform,
    workspace: &str,
    request: &CreateAccessKey,
) -> DiagResult<Created> {
    let client = platform.client();
    let name = &request.name;
    let before: HashSet<String> =
        match in_workspace(platform, workspace, || client.list_keys(workspace)).await {
            Ok(keys) => keys.into_iter().map(|k| k.id).collect(),
            Err(e) => {
                let action = format!("list the API keys of workspace {workspace:?}");
                let diag = needs_role(platform, workspace, "admin", &action, &e).await;
                return Err(diag.into());
            }
        };

    let mut warnings = Vec::new();
    let mut attempt = 0;
    let key = loop {
        attempt += 1;
        let created = in_workspace(platform, workspace, || {
            client.create_key(workspace, request)
        })
        .await;
        platform.forget_reads(workspace);
        let e = match created {
            Ok(key) => break key,
            Err(e) => e,
        };
        if is_lost_answer(&e) && attempt < MAX_CREATE_ATTEMPTS {
            let cleanup = remove_partial_keys(platform, workspace, name, &before).await;
            tracing::info!(key = %name, error = %e, "key create answer lost; creating again");
            warnings.push(Diagnostic::warning(
                format!("API key {name:?} created a second time"),
                format!(
                    "The platform's answer to the create request was lost ({}), so the new \
                     key's token never arrived. Any key that request left was removed and \
                     the key was created again.{cleanup}",
                    cause(&e)
                ),
            ));
            continue;
        }
        let action = format!("create API key {name:?}");
        let mut diag = needs_role(platform, workspace, "admin", &action, &e).await;
        if may_have_left_a_key(&e) {
            diag.detail
                .push_str(&remove_partial_keys(platform, workspace, name, &before).await);
        }
        return Err(diag.into());
    };

    // The create answer has no creation time; the list has the platform's own, but may not
    // show a key that was created a moment ago.
    let created_at = eventually("the new key to be listed", LIST_LAG_WAIT, || async {
        match client.list_keys(workspace).await {
            Ok(keys) => keys
                .into_iter()
                .find(|k| k.id == key.id)
                .map(|k| k.created_at)
                .filter(|t| !t.is_empty()),
            Err(e) => {
                tracing::warn!(key = %key.id, error = %e, "could not list keys after create");
                None
            }
        }
    })
    .await;
    Ok(Created {
        key,
        created_at,
        warnings,
    })
}

/// Server errors and lost answers may come after the platform's first step succeeded;
/// client errors (validation, identity) come before anything is created.
fn may_have_left_a_key(err: &Error) -> bool {
    err.status().is_some_and(|s| s >= 500) || is_lost_answer(err)
}

/// Deletes keys named `name` that appeared since `before`; returns sentences for the error
/// detail saying what was cleaned up or what was left.
async fn remove_partial_keys(
    platform: &Platform,
    workspace: &str,
    name: &str,
    before: &HashSet<String>,
) -> String {
    let client = platform.client();
    let listed = match client.list_keys(workspace).await {
        Ok(keys) => keys,
        Err(e) => {
            return format!(
                " The platform may have left a half-created key named {name:?} behind, and \
                 listing the keys to check failed ({}). Look for keys named {name:?} in \
                 workspace {workspace:?} and delete them.",
                cause(&e)
            )
        }
    };
    let partial: Vec<String> = listed
        .into_iter()
        .filter(|k| k.name == name && !before.contains(&k.id))
        .map(|k| k.id)
        .collect();
    let mut removed = Vec::new();
    let mut left = Vec::new();
    for id in partial {
        match client.delete_key(workspace, &id).await {
            Ok(()) => removed.push(id),
            Err(e) => left.push(format!("{id} ({})", cause(&e))),
        }
    }
    tracing::debug!(removed = ?removed, left = ?left, "cleaned up after a failed key create");
    let mut text = String::new();
    if !removed.is_empty() {
        text.push_str(&format!(
            " The platform had half-created key {} before failing; it has been deleted.",
            removed.join(", ")
        ));
    }
    if !left.is_empty() {
        text.push_str(&format!(
            " The platform half-created key {} before failing, and deleting it failed, so it \
             is still in workspace {workspace:?} without a usable token. A workspace admin \
             can delete it (DELETE /api/projects/{workspace}/keys/<id>).",
            left.join(", ")
        ));
    }
    text
}

fn cause(err: &Error) -> String {
    err.api_message()
        .map_or_else(|| err.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use acp_client::{Client, ClientConfig};
    use acp_emulator::{Config, Emulator};

    use super::*;

    fn platform(emulator: &Emulator) -> Platform {
        let mut config = ClientConfig::new(
            emulator.url().parse().expect("emulator url"),
            emulator.admin_token().to_string(),
        );
        config.username = Some("alice@example.com".to_string());
        config.max_retries = 0;
        Platform::new(Client::new(config).expect("client"))
    }

    fn request(name: &str, expiration_seconds: i64) -> CreateAccessKey {
        CreateAccessKey {
            name: name.to_string(),
            description: None,
            role: Some("edit".to_string()),
            expiration_seconds,
        }
    }

    #[tokio::test]
    async fn a_half_created_key_is_deleted_and_reported() {
        let emulator = Emulator::start(Config::default()).expect("emulator");
        let state = emulator.state();
        state.create_project("ws", Some("alice@example.com"));
        let platform = platform(&emulator);
        // A key of the same name that existed before must survive the cleanup.
        let kept = create_key(&platform, "ws", &request("ci", 3600))
            .await
            .expect("first key");

        // Kubernetes refuses token lifetimes under ten minutes after the ServiceAccount
        // exists: the platform answers 500 and leaves the account behind.
        let Err(diags) = create_key(&platform, "ws", &request("ci", 300)).await else {
            panic!("a 300 s key must fail");
        };
        let d = diags.iter().next().expect("one diagnostic");
        assert!(
            d.detail.contains("Failed to generate access token"),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("has been deleted"), "{}", d.detail);
        let ids: Vec<String> = state.keys("ws").into_iter().map(|k| k.id).collect();
        assert_eq!(ids, vec![kept.key.id], "only the earlier key is left");
    }

    #[tokio::test]
    async fn created_keys_carry_the_platform_creation_time() {
        let emulator = Emulator::start(Config::default()).expect("emulator");
        emulator
            .state()
            .create_project("ws", Some("alice@example.com"));
        let created = create_key(&platform(&emulator), "ws", &request("ci", 3600))
            .await
            .expect("created");
        let listed = emulator.state().keys("ws");
        assert_eq!(
            created.created_at.as_deref(),
            Some(listed[0].created_at.as_str())
        );
    }
}
