//! Projects (workspaces): `/api/projects`.

use reqwest::Method;

use super::Client;
use crate::error::Error;
use crate::models::{CreateProject, Project, ProjectPage, UpdateProject};
use crate::transport::Call;

/// Page size used when walking every page; the platform's maximum.
const PAGE_SIZE: u32 = 100;

impl Client {
    /// `GET /api/projects?limit=&offset=&search=`: one page of the projects
    /// the caller may see, newest first. The server clamps `limit` to 1..=100
    /// (0 means its default of 20).
    pub async fn list_projects(
        &self,
        limit: u32,
        offset: u32,
        search: Option<&str>,
    ) -> Result<ProjectPage, Error> {
        let mut call = Call::new(Method::GET, &["projects"], "list projects".into())
            .query("limit", limit)
            .query("offset", offset);
        if let Some(search) = search.filter(|s| !s.is_empty()) {
            call = call.query("search", search);
        }
        self.transport.json(call).await
    }

    /// `GET /api/projects` repeatedly, following `nextOffset` until
    /// `hasMore` is false, and returns every project.
    pub async fn list_all_projects(&self, search: Option<&str>) -> Result<Vec<Project>, Error> {
        let mut projects = Vec::new();
        let mut offset = 0;
        loop {
            let page = self.list_projects(PAGE_SIZE, offset, search).await?;
            let received = u32::try_from(page.items.len()).unwrap_or(u32::MAX);
            projects.extend(page.items);
            if !page.has_more {
                return Ok(projects);
            }
            let next = page.next_offset.unwrap_or(offset.saturating_add(received));
            // Projects created or deleted between pages can shift items, but
            // an offset that does not move forward would loop forever.
            if next <= offset {
                return Err(Error::Decode {
                    operation: "list projects".into(),
                    status: 200,
                    reason: format!("pagination did not advance past offset {offset}"),
                    snippet: String::new(),
                });
            }
            offset = next;
        }
    }

    /// `GET /api/projects/{name}`. A project being deleted is returned with
    /// `status == "Terminating"`; a missing one is [`Error::is_not_found`].
    pub async fn get_project(&self, name: &str) -> Result<Project, Error> {
        let call = Call::new(
            Method::GET,
            &["projects", name],
            format!("get project {name:?}"),
        );
        self.transport.json(call).await
    }

    /// `POST /api/projects` (201). An existing name (even one still
    /// terminating) is [`Error::is_conflict`]. The legacy-mode backend needs
    /// [`ClientConfig::username`](crate::ClientConfig::username) here.
    pub async fn create_project(&self, project: &CreateProject) -> Result<Project, Error> {
        let name = &project.name;
        let call = Call::new(
            Method::POST,
            &["projects"],
            format!("create project {name:?}"),
        )
        .json(project)?;
        self.transport.json(call).await
    }

    /// `PUT /api/projects/{name}`: patch-like update of display name and
    /// description (OpenShift only); returns the re-read project.
    pub async fn update_project(
        &self,
        name: &str,
        update: &UpdateProject,
    ) -> Result<Project, Error> {
        let call = Call::new(
            Method::PUT,
            &["projects", name],
            format!("update project {name:?}"),
        )
        .json(update)?;
        self.transport.json(call).await
    }

    /// `DELETE /api/projects/{name}` (204). Deletion is asynchronous; poll
    /// [`Client::get_project`] until it is not found. Deleting a project that
    /// is already terminating answers 500.
    pub async fn delete_project(&self, name: &str) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            &["projects", name],
            format!("delete project {name:?}"),
        );
        self.transport.unit(call).await
    }
}
