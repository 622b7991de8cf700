//! Answers that are wrong in shape rather than in status: what a buggy backend version, a
//! proxy's error page served with 200, or a list that lags behind a write look like to a
//! client. Some replace the answer outright; others run the real handler (so state changes
//! happen) and then bend its JSON.

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The shape of a malformed answer (`shape=` in a fault rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyShape {
    /// 200 with a body that is not JSON at all: a truncated document.
    InvalidJson,
    /// 200 with a proxy's HTML page.
    Html,
    /// 200 with an empty body.
    Empty,
    /// 200 with the JSON `null`.
    Null,
    /// 200 with `{}`: every field missing.
    EmptyObject,
    /// The real answer with every top-level field set to `null`.
    NullFields,
    /// The real answer with unknown fields added to every object.
    ExtraFields,
    /// The real answer with every top-level list emptied: a list that does not yet show a
    /// write that just happened.
    StaleList,
}

impl BodyShape {
    /// Every shape with its name in the rule syntax.
    pub const ALL: [(BodyShape, &'static str); 8] = [
        (BodyShape::InvalidJson, "invalid_json"),
        (BodyShape::Html, "html"),
        (BodyShape::Empty, "empty"),
        (BodyShape::Null, "null"),
        (BodyShape::EmptyObject, "empty_object"),
        (BodyShape::NullFields, "null_fields"),
        (BodyShape::ExtraFields, "extra_fields"),
        (BodyShape::StaleList, "stale_list"),
    ];

    /// The name used in the JSON and CLI forms.
    pub fn name(self) -> &'static str {
        BodyShape::ALL
            .iter()
            .find(|(shape, _)| *shape == self)
            .map_or("invalid_json", |(_, name)| name)
    }

    /// The shape called `name`.
    pub fn from_name(name: &str) -> Option<BodyShape> {
        BodyShape::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(shape, _)| *shape)
    }

    /// Whether the real handler runs first (and its state changes happen).
    pub(crate) fn runs_handler(self) -> bool {
        matches!(
            self,
            BodyShape::NullFields | BodyShape::ExtraFields | BodyShape::StaleList
        )
    }

    /// A replacement answer, for shapes that do not run the handler.
    pub(crate) fn replacement(self) -> Response {
        let (content_type, body) = match self {
            BodyShape::InvalidJson => ("application/json", "{\"items\": [{\"name\": "),
            BodyShape::Html => (
                "text/html; charset=utf-8",
                "<html><head><title>Service Unavailable</title></head>\
                 <body><h1>Application is not available</h1></body></html>",
            ),
            BodyShape::Empty => ("application/json", ""),
            BodyShape::Null => ("application/json", "null"),
            _ => ("application/json", "{}"),
        };
        (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response()
    }

    /// Bends a real answer; answers that are not JSON pass unchanged.
    pub(crate) async fn bend(self, response: Response) -> Response {
        let (mut parts, body) = response.into_parts();
        let Ok(bytes) = to_bytes(body, usize::MAX).await else {
            return (StatusCode::INTERNAL_SERVER_ERROR, "body unreadable").into_response();
        };
        let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) else {
            return Response::from_parts(parts, Body::from(bytes));
        };
        match self {
            BodyShape::NullFields => {
                if let Value::Object(map) = &mut json {
                    map.values_mut().for_each(|v| *v = Value::Null);
                }
            }
            BodyShape::ExtraFields => add_fields(&mut json),
            _ => {
                if let Value::Object(map) = &mut json {
                    map.values_mut()
                        .filter(|v| v.is_array())
                        .for_each(|v| *v = Value::Array(Vec::new()));
                } else if json.is_array() {
                    json = Value::Array(Vec::new());
                }
            }
        }
        let text = json.to_string();
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(text.len() as u64));
        Response::from_parts(parts, Body::from(text))
    }
}

/// Adds unknown fields to the answer object and to the objects of its lists: what a newer
/// platform version sends. Maps nested in an object (labels, secret data) are left alone,
/// since a new key there is data, not a new field.
fn add_fields(json: &mut Value) {
    let extend = |object: &mut serde_json::Map<String, Value>| {
        object.insert(
            "unexpectedField".into(),
            Value::from("from a newer platform"),
        );
        object.insert(
            "unexpectedObject".into(),
            serde_json::json!({"nested": [1, 2]}),
        );
    };
    let lists = |value: &mut Value| {
        if let Value::Array(items) = value {
            items
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .for_each(extend);
        }
    };
    match json {
        Value::Object(map) => {
            map.values_mut().for_each(lists);
            extend(map);
        }
        other => lists(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn text(response: Response) -> String {
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }

    #[test]
    fn names_round_trip() {
        for (shape, name) in BodyShape::ALL {
            assert_eq!(BodyShape::from_name(name), Some(shape));
            assert_eq!(shape.name(), name);
        }
        assert_eq!(BodyShape::from_name("garbage"), None);
    }

    #[tokio::test]
    async fn bent_answers_keep_their_status_and_change_their_json() {
        let real = || {
            (
                StatusCode::CREATED,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"items":[{"id":"k1"}],"total":1}"#,
            )
                .into_response()
        };
        let stale = BodyShape::StaleList.bend(real()).await;
        assert_eq!(stale.status(), StatusCode::CREATED);
        assert_eq!(text(stale).await, r#"{"items":[],"total":1}"#);
        let nulls = text(BodyShape::NullFields.bend(real()).await).await;
        assert_eq!(nulls, r#"{"items":null,"total":null}"#);
        let extra = text(BodyShape::ExtraFields.bend(real()).await).await;
        let json: Value = serde_json::from_str(&extra).expect("still JSON");
        assert_eq!(json["items"][0]["id"], "k1");
        assert!(json["items"][0]["unexpectedField"].is_string(), "{extra}");
        assert_eq!(text(BodyShape::Empty.replacement()).await, "");
        assert!(
            serde_json::from_str::<Value>(&text(BodyShape::InvalidJson.replacement()).await)
                .is_err()
        );
    }
}
