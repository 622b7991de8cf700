//! The text forms of a fault rule: the compact CLI syntax (`--fault 'status=503,rate=0.2'`)
//! and the JSON object of the admin endpoint, which share one flat set of keys.
//!
//! # Keys
//!
//! | key | value | meaning |
//! |---|---|---|
//! | `route` | path pattern | `*` or `{name}` matches one segment; absent, empty or `*` = all |
//! | `method` | `GET`, `POST`, ... | absent = all methods |
//! | `action` | `status`, `latency`, `close`, `late`, `process_then_close`, `malformed` | implied by `status` or, failing that, `latency_ms` |
//! | `status` | 500, 502, 503, 504, 429 | answer with this status |
//! | `retry_after` | seconds | `Retry-After` header on a status answer |
//! | `body` | `true`/`false` | `false` answers the status with an empty body |
//! | `latency_ms` | ms | wait before the action (any action) |
//! | `delay_ms` | ms | `late` only: hold the answer back this long |
//! | `shape` | `invalid_json`, `html`, `empty`, `null`, `empty_object`, `null_fields`, `extra_fields`, `stale_list` | `malformed` only: what the answer looks like (see [`BodyShape`](super::BodyShape)) |
//! | `rate` | 0..1 | probability per matching request; absent = always |
//! | `count` | n | fire at most n times; absent = no limit |

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{BodyShape, FaultAction, FaultRule};

/// Statuses a rule may answer with: what the backend or a proxy in front of it sends when
/// things go wrong.
const STATUSES: [u16; 5] = [500, 502, 503, 504, 429];

/// The flat wire form of a [`FaultRule`].
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    route: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shape: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u64>,
}

impl TryFrom<RuleSpec> for FaultRule {
    type Error = String;

    fn try_from(spec: RuleSpec) -> Result<FaultRule, String> {
        let action = action_of(&spec)?;
        let route = spec.route.unwrap_or_default();
        if !(route.is_empty() || route == "*" || route.starts_with('/')) {
            return Err(format!("route must start with '/', got {route:?}"));
        }
        if let Some(rate) = spec.rate {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("rate must lie in 0..1, got {rate}"));
            }
        }
        Ok(FaultRule {
            route,
            method: spec.method.map(|m| m.to_ascii_uppercase()),
            rate: spec.rate,
            count: spec.count,
            latency_ms: spec.latency_ms.unwrap_or(0),
            action,
        })
    }
}

/// Works out the action and refuses keys that do not belong to it.
fn action_of(spec: &RuleSpec) -> Result<FaultAction, String> {
    let name = match (&spec.action, spec.status, spec.latency_ms) {
        (Some(name), _, _) => name.as_str(),
        (None, Some(_), _) => "status",
        (None, None, Some(_)) => "latency",
        (None, None, None) => {
            return Err("a rule needs status=, latency_ms= or action=".to_owned());
        }
    };
    let status_keys = spec.status.is_some() || spec.retry_after.is_some() || spec.body.is_some();
    if name != "status" && status_keys {
        return Err(format!(
            "status, retry_after and body belong to action=status, not {name}"
        ));
    }
    if name != "late" && spec.delay_ms.is_some() {
        return Err(format!("delay_ms belongs to action=late, not {name}"));
    }
    if name != "malformed" && spec.shape.is_some() {
        return Err(format!("shape belongs to action=malformed, not {name}"));
    }
    match name {
        "status" => {
            let status = spec.status.ok_or("action=status needs status=")?;
            if !STATUSES.contains(&status) {
                return Err(format!("status must be one of {STATUSES:?}, got {status}"));
            }
            Ok(FaultAction::Status {
                status,
                retry_after: spec.retry_after,
                body: spec.body.unwrap_or(true),
            })
        }
        "latency" => match spec.latency_ms {
            Some(_) => Ok(FaultAction::Latency),
            None => Err("action=latency needs latency_ms=".to_owned()),
        },
        "close" => Ok(FaultAction::Close),
        "late" => {
            let delay_ms = spec.delay_ms.ok_or("action=late needs delay_ms=")?;
            Ok(FaultAction::Late { delay_ms })
        }
        "process_then_close" => Ok(FaultAction::ProcessThenClose),
        "malformed" => {
            let name = spec
                .shape
                .as_deref()
                .ok_or("action=malformed needs shape=")?;
            let shape = BodyShape::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = BodyShape::ALL.iter().map(|(_, n)| *n).collect();
                format!("shape must be one of {names:?}, got {name:?}")
            })?;
            Ok(FaultAction::Malformed { shape })
        }
        other => Err(format!(
            "unknown action {other:?}; expected status, latency, close, late, \
             process_then_close or malformed"
        )),
    }
}

impl From<FaultRule> for RuleSpec {
    fn from(rule: FaultRule) -> RuleSpec {
        let mut spec = RuleSpec {
            route: (!rule.route.is_empty()).then_some(rule.route),
            method: rule.method,
            rate: rule.rate,
            count: rule.count,
            latency_ms: (rule.latency_ms > 0 || rule.action == FaultAction::Latency)
                .then_some(rule.latency_ms),
            ..RuleSpec::default()
        };
        match rule.action {
            FaultAction::Latency => spec.action = Some("latency".to_owned()),
            FaultAction::Status {
                status,
                retry_after,
                body,
            } => {
                spec.status = Some(status);
                spec.retry_after = retry_after;
                spec.body = (!body).then_some(false);
            }
            FaultAction::Close => spec.action = Some("close".to_owned()),
            FaultAction::Late { delay_ms } => {
                spec.action = Some("late".to_owned());
                spec.delay_ms = Some(delay_ms);
            }
            FaultAction::ProcessThenClose => spec.action = Some("process_then_close".to_owned()),
            FaultAction::Malformed { shape } => {
                spec.action = Some("malformed".to_owned());
                spec.shape = Some(shape.name().to_owned());
            }
        }
        spec
    }
}

/// Parses the CLI syntax: comma-separated `key=value` pairs with the keys of the module docs,
/// e.g. `route=/api/projects/*/keys,method=POST,status=503,rate=0.2`.
impl FromStr for FaultRule {
    type Err = String;

    fn from_str(text: &str) -> Result<FaultRule, String> {
        let mut spec = RuleSpec::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("expected key=value, got {pair:?}"))?;
            set_key(&mut spec, key.trim(), value.trim())?;
        }
        FaultRule::try_from(spec)
    }
}

fn set_key(spec: &mut RuleSpec, key: &str, value: &str) -> Result<(), String> {
    fn number<T: FromStr>(key: &str, value: &str) -> Result<Option<T>, String> {
        value
            .parse()
            .map(Some)
            .map_err(|_| format!("{key} needs a number, got {value:?}"))
    }
    let taken = match key {
        "route" => spec.route.replace(value.to_owned()).is_some(),
        "method" => spec.method.replace(value.to_owned()).is_some(),
        "action" => spec.action.replace(value.to_owned()).is_some(),
        "status" => std::mem::replace(&mut spec.status, number(key, value)?).is_some(),
        "retry_after" => std::mem::replace(&mut spec.retry_after, number(key, value)?).is_some(),
        "latency_ms" => std::mem::replace(&mut spec.latency_ms, number(key, value)?).is_some(),
        "delay_ms" => std::mem::replace(&mut spec.delay_ms, number(key, value)?).is_some(),
        "rate" => std::mem::replace(&mut spec.rate, number(key, value)?).is_some(),
        "count" => std::mem::replace(&mut spec.count, number(key, value)?).is_some(),
        "shape" => spec.shape.replace(value.to_owned()).is_some(),
        "body" => {
            let body = match value {
                "true" => true,
                "false" => false,
                _ => return Err(format!("body needs true or false, got {value:?}")),
            };
            spec.body.replace(body).is_some()
        }
        _ => return Err(format!("unknown key {key:?} in fault rule")),
    };
    if taken {
        return Err(format!("{key} given twice"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::FaultPlan;

    #[test]
    fn cli_examples_parse() {
        let rule: FaultRule = "route=/api/projects/*/keys,method=post,status=503,rate=0.2"
            .parse()
            .expect("parses");
        assert_eq!(
            rule,
            FaultRule::status(503)
                .route("/api/projects/*/keys")
                .method("POST")
                .rate(0.2)
        );
        let rule: FaultRule = "status=429,retry_after=1,rate=0.05"
            .parse()
            .expect("parses");
        assert_eq!(rule, FaultRule::rate_limited(Some(1)).rate(0.05));
        let rule: FaultRule = "latency_ms=200".parse().expect("parses");
        assert_eq!(
            rule,
            FaultRule::latency(std::time::Duration::from_millis(200))
        );
        let rule: FaultRule = "action=malformed,shape=stale_list,method=GET"
            .parse()
            .expect("parses");
        assert_eq!(
            rule,
            FaultRule::malformed(BodyShape::StaleList).method("GET")
        );
        let rule: FaultRule = "action=late,delay_ms=3000,count=1".parse().expect("parses");
        assert_eq!(
            rule,
            FaultRule::late(std::time::Duration::from_secs(3)).count(1)
        );
    }

    #[test]
    fn mistakes_are_refused_with_a_reason() {
        for (text, needle) in [
            ("", "needs status="),
            ("status=418", "one of"),
            ("status=503,rate=1.5", "rate"),
            ("status=503,status=500", "twice"),
            ("action=close,status=503", "belong to action=status"),
            ("action=late", "delay_ms"),
            ("action=explode", "unknown action"),
            ("action=malformed", "needs shape="),
            ("action=malformed,shape=xml", "shape must be one of"),
            ("status=503,shape=html", "belongs to action=malformed"),
            ("latency=5", "unknown key"),
            ("route=api,status=500", "start with '/'"),
            ("count=x,status=500", "number"),
        ] {
            let err = text.parse::<FaultRule>().expect_err(text);
            assert!(err.contains(needle), "{text:?}: {err}");
        }
    }

    #[test]
    fn json_round_trips_through_the_same_keys() {
        let plan = FaultPlan::new(vec![
            "route=/api/projects,method=POST,action=process_then_close,count=1"
                .parse()
                .expect("parses"),
            "status=503,body=false,latency_ms=10"
                .parse()
                .expect("parses"),
            "action=late,delay_ms=50".parse().expect("parses"),
        ])
        .with_seed(7);
        let json = serde_json::to_value(&plan).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "seed": 7,
                "rules": [
                    {"route": "/api/projects", "method": "POST",
                     "action": "process_then_close", "count": 1},
                    {"status": 503, "body": false, "latency_ms": 10},
                    {"action": "late", "delay_ms": 50},
                ]
            })
        );
        let back: FaultPlan = serde_json::from_value(json).expect("deserialises");
        assert_eq!(back, plan);
        let typo = serde_json::json!({"rules": [{"status": 503, "rat": 0.5}]});
        assert!(serde_json::from_value::<FaultPlan>(typo).is_err());
    }
}
