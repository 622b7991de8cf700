//! Project sharing: `/api/projects/{p}/permissions`.

use reqwest::Method;

use super::Client;
use crate::error::Error;
use crate::models::{Permission, PermissionList};
use crate::transport::Call;

impl Client {
    /// `GET /api/projects/{project}/permissions`. The creator's own admin
    /// binding is never listed.
    pub async fn list_permissions(&self, project: &str) -> Result<Vec<Permission>, Error> {
        let call = Call::new(
            Method::GET,
            &["projects", project, "permissions"],
            format!("list permissions of project {project:?}"),
        );
        let list: PermissionList = self.transport.json(call).await?;
        Ok(list.items)
    }

    /// `POST /api/projects/{project}/permissions` (201). Granting the same
    /// (type, name, role) twice is [`Error::is_conflict`]; the platform
    /// answers only `{"message": ...}`, so read the grant back by listing.
    pub async fn grant_permission(
        &self,
        project: &str,
        permission: &Permission,
    ) -> Result<(), Error> {
        self.transport.unit(grant(project, permission)?).await
    }

    /// [`Client::grant_permission`], repeated after gateway errors, timeouts and
    /// lost answers like an idempotent call. For a caller that treats
    /// [`Error::is_conflict`] (the grant is already there) as success, a repeat
    /// can do no harm, and giving up can cost the subject a role.
    pub async fn grant_permission_repeatedly(
        &self,
        project: &str,
        permission: &Permission,
    ) -> Result<(), Error> {
        let call = grant(project, permission)?.safe_to_repeat();
        self.transport.unit(call).await
    }

    /// `DELETE /api/projects/{project}/permissions/{subject_type}/{subject_name}`
    /// (204, also when nothing matched). Removes **every** role of the
    /// subject. The name is percent-encoded as one path segment.
    pub async fn revoke_subject(
        &self,
        project: &str,
        subject_type: &str,
        subject_name: &str,
    ) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            &[
                "projects",
                project,
                "permissions",
                subject_type,
                subject_name,
            ],
            format!("revoke {subject_type} {subject_name:?} from project {project:?}"),
        );
        self.transport.unit(call).await
    }
}

/// The grant request shared by the single and the repeated form.
fn grant(project: &str, permission: &Permission) -> Result<Call, Error> {
    Call::new(
        Method::POST,
        &["projects", project, "permissions"],
        format!(
            "grant {} to {} {:?} in project {project:?}",
            permission.role, permission.subject_type, permission.subject_name
        ),
    )
    .json(permission)
}
