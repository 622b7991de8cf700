//! Logs as go-plugin expects them: one JSON object per line on stderr, with `@level`,
//! `@message`, `@module` and `@timestamp`, which Terraform re-levels into its own log.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG` (`TRACE`, `DEBUG`, `INFO`, `WARN`,
//! `ERROR`, `JSON` meaning trace, `OFF`); with neither set nothing is logged. Log events carry
//! names, ids and statuses only: no code path in this provider passes a token, a secret value,
//! an API key or an `Authorization` header to the logger.

use std::fmt::Write as _;
use std::io::Write as _;

use serde_json::{Map, Value as Json};
use time::format_description::FormatItem;
use time::macros::format_description;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// go-plugin parses `@timestamp` with exactly six fractional digits.
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The level named by Terraform's environment variables.
pub fn level_from_env(provider_level: Option<&str>, global_level: Option<&str>) -> LevelFilter {
    let chosen = provider_level
        .filter(|s| !s.trim().is_empty())
        .or(global_level.filter(|s| !s.trim().is_empty()));
    match chosen.map(|s| s.trim().to_ascii_uppercase()).as_deref() {
        Some("TRACE" | "JSON") => LevelFilter::TRACE,
        Some("DEBUG") => LevelFilter::DEBUG,
        Some("INFO") => LevelFilter::INFO,
        Some("WARN") => LevelFilter::WARN,
        Some("ERROR") => LevelFilter::ERROR,
        // An unrecognised value still asks for logs; Terraform treats it as TRACE.
        Some("OFF") | None => LevelFilter::OFF,
        Some(_) => LevelFilter::TRACE,
    }
}

/// Installs the JSON logger on stderr at the level Terraform's environment asks for.
pub fn init() {
    let level = level_from_env(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    );
    let subscriber = tracing_subscriber::registry().with(HclogJson.with_filter(level));
    // Only fails when a subscriber is already set, in which case that one stays.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// A layer that writes each event as one hclog-shaped JSON line.
pub struct HclogJson;

impl<S: Subscriber> Layer<S> for HclogJson {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let line = format_event(event);
        let mut stderr = std::io::stderr().lock();
        // Nothing sensible can be done when stderr is gone.
        let _ = stderr.write_all(line.as_bytes());
    }
}

/// Formats one event as a JSON line, newline included.
pub fn format_event(event: &Event<'_>) -> String {
    let mut fields = FieldCollector::default();
    event.record(&mut fields);
    let mut object = Map::new();
    object.insert(
        "@level".into(),
        Json::from(level_name(*event.metadata().level())),
    );
    object.insert("@message".into(), Json::from(fields.message));
    object.insert("@module".into(), Json::from("acp"));
    object.insert("@timestamp".into(), Json::from(now()));
    for (k, v) in fields.fields {
        object.entry(k).or_insert(v);
    }
    let mut line = Json::Object(object).to_string();
    line.push('\n');
    line
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(TIMESTAMP)
        .unwrap_or_default()
}

#[derive(Default)]
struct FieldCollector {
    message: String,
    fields: Map<String, Json>,
}

impl Visit for FieldCollector {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.fields
                .insert(field.name().to_string(), Json::from(value));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.fields
            .insert(field.name().to_string(), Json::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.fields
            .insert(field.name().to_string(), Json::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.fields
            .insert(field.name().to_string(), Json::from(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else {
            self.fields
                .insert(field.name().to_string(), Json::from(text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_level_wins_over_the_global_one() {
        assert_eq!(
            level_from_env(Some("debug"), Some("TRACE")),
            LevelFilter::DEBUG
        );
        assert_eq!(level_from_env(None, Some("JSON")), LevelFilter::TRACE);
        assert_eq!(level_from_env(Some(""), Some("WARN")), LevelFilter::WARN);
        assert_eq!(level_from_env(None, None), LevelFilter::OFF);
    }

    #[test]
    fn lines_have_the_hclog_shape() {
        struct Capture(std::sync::Arc<std::sync::Mutex<Vec<String>>>);
        impl<S: Subscriber> Layer<S> for Capture {
            fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
                self.0.lock().unwrap().push(format_event(event));
            }
        }
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let subscriber = tracing_subscriber::registry().with(Capture(lines.clone()));
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(workspace = "team-alpha", status = 200u64, "read workspace");
        });
        let line = lines.lock().unwrap()[0].clone();
        assert!(line.ends_with('\n'));
        let parsed: Json = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed["@level"], "debug");
        assert_eq!(parsed["@message"], "read workspace");
        assert_eq!(parsed["workspace"], "team-alpha");
        assert_eq!(parsed["status"], 200);
        let ts = parsed["@timestamp"].as_str().unwrap();
        assert_eq!(ts.len(), "2026-01-02T03:04:05.123456Z".len(), "{ts}");
    }
}
