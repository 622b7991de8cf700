//! Request counters: what is counted under which key, faults per kind, reset, the
//! `/_emulator/stats` view, no lost counts under concurrency, and a throughput measurement.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use acp_emulator::{Config, Emulator, FaultPlan, FaultRule};
use reqwest::blocking::Client;
use serde_json::{json, Value};

const ADMIN: &str = "admin-token";

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

#[test]
fn requests_count_per_method_and_route_pattern() {
    let emulator = Emulator::start(Config::default()).expect("start");
    let http = client();
    let url = emulator.url();
    let send = |request: reqwest::blocking::RequestBuilder| {
        request.bearer_auth(ADMIN).send().expect("answer").status()
    };

    let created = send(
        http.post(format!("{url}/api/projects"))
            .header("X-Forwarded-User", "alice")
            .json(&json!({"name": "alpha"})),
    );
    assert_eq!(created.as_u16(), 201);
    send(http.get(format!("{url}/api/projects/alpha")));
    send(http.get(format!("{url}/api/projects/missing")));
    send(http.get(format!("{url}/api/projects/alpha/integration-secrets")));
    send(http.get(format!("{url}/no/such/route")));
    // Control routes do not count.
    send(http.get(format!("{url}/_emulator/stats")));
    emulator.state().clear_faults();

    assert_eq!(
        emulator.state().request_counts(),
        counts(&[
            ("POST /api/projects", 1),
            ("GET /api/projects/{project}", 2),
            ("GET /api/projects/{project}/integration-secrets", 1),
            ("GET <unmatched>", 1),
        ])
    );
    assert_eq!(emulator.state().total_requests(), 5);
}

#[test]
fn faulted_requests_count_as_requests_and_as_faults() {
    let emulator = Emulator::start(Config {
        faults: FaultPlan::new(vec![
            FaultRule::status(503).count(2),
            FaultRule::rate_limited(Some(1)).count(1),
        ]),
        ..Config::default()
    })
    .expect("start");
    let http = client();
    for _ in 0..4 {
        http.get(format!("{}/api/projects", emulator.url()))
            .bearer_auth(ADMIN)
            .send()
            .expect("answer");
    }

    assert_eq!(
        emulator.state().request_counts(),
        counts(&[("GET /api/projects", 4)])
    );
    assert_eq!(
        emulator.state().fault_counts(),
        counts(&[("status_429", 1), ("status_503", 2)])
    );
}

#[test]
fn the_stats_route_shows_and_resets_the_counters() {
    let emulator = Emulator::start(Config {
        faults: FaultPlan::new(vec![FaultRule::status(500).count(1)]),
        ..Config::default()
    })
    .expect("start");
    let http = client();
    let stats = format!("{}/_emulator/stats", emulator.url());
    for _ in 0..3 {
        http.get(format!("{}/api/projects", emulator.url()))
            .bearer_auth(ADMIN)
            .send()
            .expect("answer");
    }

    let shown: Value = http
        .get(&stats)
        .bearer_auth(ADMIN)
        .send()
        .expect("stats")
        .json()
        .expect("json");
    assert_eq!(
        shown,
        json!({
            "total": 3,
            "requests": {"GET /api/projects": 3},
            "faults": {"status_500": 1},
        })
    );

    let forbidden = http
        .delete(&stats)
        .bearer_auth("someone-else")
        .send()
        .expect("answer");
    assert_eq!(forbidden.status().as_u16(), 403);
    assert_eq!(emulator.state().total_requests(), 3);

    let reset = http
        .delete(&stats)
        .bearer_auth(ADMIN)
        .send()
        .expect("reset");
    assert_eq!(reset.status().as_u16(), 204);
    assert_eq!(emulator.state().total_requests(), 0);
    assert!(emulator.state().request_counts().is_empty());
    assert!(emulator.state().fault_counts().is_empty());
}

#[test]
fn reset_request_counts_starts_from_zero() {
    let emulator = Emulator::start(Config::default()).expect("start");
    let http = client();
    let list = || {
        http.get(format!("{}/api/projects", emulator.url()))
            .bearer_auth(ADMIN)
            .send()
            .expect("answer");
    };
    list();
    list();
    emulator.state().reset_request_counts();
    list();
    assert_eq!(
        emulator.state().request_counts(),
        counts(&[("GET /api/projects", 1)])
    );
    assert_eq!(emulator.state().total_requests(), 1);
}

#[test]
fn concurrent_requests_are_all_counted() {
    let emulator = Emulator::start(Config::default()).expect("start");
    let url = emulator.url();
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                let http = client();
                for _ in 0..100 {
                    let status = http
                        .get(format!("{url}/api/projects"))
                        .bearer_auth(ADMIN)
                        .send()
                        .expect("answer")
                        .status();
                    assert_eq!(status.as_u16(), 200);
                }
            });
        }
    });
    assert_eq!(emulator.state().total_requests(), 800);
    assert_eq!(
        emulator.state().request_counts(),
        counts(&[("GET /api/projects", 800)])
    );
}

/// Throughput on loopback without faults. Ignored by default because it measures rather than
/// checks; run with
/// `cargo test -p acp-emulator --release --test stats -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, not a check"]
fn throughput() {
    measure_throughput(FaultPlan::default());
}

/// The same with an armed plan that never fires, to see what the decision lock costs.
#[test]
#[ignore = "measurement, not a check"]
fn throughput_with_an_armed_plan() {
    measure_throughput(FaultPlan::new(vec![FaultRule::status(503).rate(0.0)]));
}

/// 20,000 reads of one project from 32 concurrent tasks on a two-thread client runtime.
fn measure_throughput(faults: FaultPlan) {
    const REQUESTS: usize = 20_000;
    const TASKS: usize = 32;
    let emulator = Emulator::start(Config {
        faults,
        ..Config::default()
    })
    .expect("start");
    emulator.state().create_project("alpha", Some("alice"));
    let url = format!("{}/api/projects/alpha", emulator.url());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let elapsed = runtime.block_on(async {
        let http = reqwest::Client::new();
        let started = Instant::now();
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let http = http.clone();
                let url = url.clone();
                tokio::spawn(async move {
                    for _ in 0..REQUESTS / TASKS {
                        let response = http.get(&url).bearer_auth(ADMIN).send().await;
                        let status = response.expect("answer").status();
                        assert_eq!(status.as_u16(), 200);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        started.elapsed()
    });
    let served = emulator.state().total_requests();
    println!(
        "{served} requests in {:.2} s: {:.0} requests/second",
        elapsed.as_secs_f64(),
        served as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(served as usize, REQUESTS / TASKS * TASKS);
}
