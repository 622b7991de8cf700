//! Shared helpers for the in-process tests: one router per test, requests through `oneshot`.
#![allow(dead_code, unreachable_pub)]

use acp_emulator::{app, Config, SharedState, UserToken};
use axum::body::Body;
use axum::http::Request;
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub const ADMIN: &str = "admin-token";
pub const OWNER: &str = "owner-token";
pub const VIEWER: &str = "viewer-token";
pub const EDITOR: &str = "editor-token";
pub const ADMIN_USER: &str = "ada-token";
pub const STRANGER: &str = "stranger-token";
pub const GROUPED: &str = "gina-token";

/// Users known to every test emulator; none of them has any role until granted one.
pub fn users() -> Vec<UserToken> {
    vec![
        UserToken::new(OWNER, "olive@example.com", &[]),
        UserToken::new(VIEWER, "vera", &[]),
        UserToken::new(EDITOR, "eddie", &[]),
        UserToken::new(ADMIN_USER, "ada", &[]),
        UserToken::new(STRANGER, "sam", &[]),
        UserToken::new(GROUPED, "gina", &["platform-eng", "other"]),
    ]
}

pub fn config() -> Config {
    Config {
        users: users(),
        ..Config::default()
    }
}

pub struct Api {
    pub state: SharedState,
    router: Router,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// The `error` message of an error body.
    pub fn error(&self) -> String {
        let body = self.json();
        assert_eq!(
            body.as_object().map(|o| o.len()),
            Some(1),
            "error body must have exactly one key: {body}"
        );
        body["error"].as_str().expect("error string").to_owned()
    }

    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(
            self.status, status,
            "unexpected status, body: {}",
            self.text
        );
        self
    }

    /// Asserts an error answer with exactly this status and message.
    pub fn expect_error(self, status: u16, message: &str) {
        assert_eq!(
            self.status, status,
            "unexpected status, body: {}",
            self.text
        );
        assert_eq!(self.error(), message);
    }
}

impl Api {
    pub fn new(config: Config) -> Api {
        let state = SharedState::new(config).expect("state");
        Api {
            router: app(state.clone()),
            state,
        }
    }

    /// Default users, plus project `team-a` created through the API by olive, with vera
    /// (view), eddie (edit) and ada (admin) granted directly.
    pub async fn with_team() -> Api {
        let api = Api::new(config());
        api.create_project("team-a", OWNER).await;
        assert!(api.state.grant("team-a", "user", "vera", "view"));
        assert!(api.state.grant("team-a", "user", "eddie", "edit"));
        assert!(api.state.grant("team-a", "user", "ada", "admin"));
        api
    }

    pub async fn create_project(&self, name: &str, token: &str) {
        let user = match token {
            OWNER => "olive@example.com",
            _ => "someone",
        };
        let body = format!(r#"{{"name":"{name}"}}"#);
        self.send(
            "POST",
            "/api/projects",
            Some(token),
            &[("X-Forwarded-User", user)],
            Some(&body),
        )
        .await
        .expect(201);
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header("Authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = body
            .map(|b| Body::from(b.to_owned()))
            .unwrap_or_else(Body::empty);
        let response = self
            .router
            .clone()
            .oneshot(builder.body(body).expect("request"))
            .await
            .expect("infallible");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().expect("ascii").to_owned());
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            content_type,
            text: String::from_utf8(bytes.to_vec()).expect("utf-8"),
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send("GET", path, Some(token), &[], None).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.send("DELETE", path, Some(token), &[], None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &str) -> Reply {
        self.send("POST", path, Some(token), &[], Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: &str) -> Reply {
        self.send("PUT", path, Some(token), &[], Some(body)).await
    }
}
