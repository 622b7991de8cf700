//! Fault injection as a real HTTP client sees it: every action, count and rate, seeded replay,
//! route and method matching, and the `/_emulator/faults` endpoint with its access rules.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use acp_emulator::{Config, Emulator, FaultPlan, FaultRule, UserToken};
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};

const ADMIN: &str = "admin-token";

fn client(timeout: Duration) -> Client {
    Client::builder().timeout(timeout).build().expect("client")
}

fn start(rules: Vec<FaultRule>) -> Emulator {
    let emulator = Emulator::start(Config {
        users: vec![UserToken::new("user-token", "ursula", &[])],
        faults: FaultPlan::new(rules).with_seed(1),
        ..Config::default()
    })
    .expect("start");
    emulator.state().create_project("alpha", Some("alice"));
    emulator
}

fn get(http: &Client, emulator: &Emulator, path: &str) -> reqwest::Result<Response> {
    http.get(format!("{}{path}", emulator.url()))
        .bearer_auth(ADMIN)
        .send()
}

fn status_of(http: &Client, emulator: &Emulator, path: &str) -> u16 {
    get(http, emulator, path).expect("answer").status().as_u16()
}

fn create_project(http: &Client, emulator: &Emulator, name: &str) -> reqwest::Result<Response> {
    http.post(format!("{}/api/projects", emulator.url()))
        .bearer_auth(ADMIN)
        .header("X-Forwarded-User", "alice")
        .json(&json!({"name": name}))
        .send()
}

#[test]
fn status_500_carries_the_platform_error_body() {
    let emulator = start(vec![FaultRule::status(500).count(1)]);
    let http = client(Duration::from_secs(10));

    let failed = get(&http, &emulator, "/api/projects").expect("answer");
    assert_eq!(failed.status().as_u16(), 500);
    assert_eq!(
        failed.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    assert_eq!(
        failed.json::<Value>().expect("json"),
        json!({"error": "Internal server error"})
    );
    assert_eq!(status_of(&http, &emulator, "/api/projects"), 200);
}

#[test]
fn proxy_statuses_answer_with_an_html_page() {
    for status in [502u16, 503, 504] {
        let emulator = start(vec![FaultRule::status(status)]);
        let http = client(Duration::from_secs(10));
        let answer = get(&http, &emulator, "/api/projects/alpha").expect("answer");
        assert_eq!(answer.status().as_u16(), status);
        assert!(answer.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html"));
        assert!(answer.headers().get("retry-after").is_none());
        let page = answer.text().expect("text");
        assert!(
            page.starts_with("<html>") && page.contains(&status.to_string()),
            "{page}"
        );
    }
}

#[test]
fn rate_limits_come_with_or_without_retry_after() {
    let emulator = start(vec![
        "route=/api/projects,status=429,retry_after=2,count=1"
            .parse()
            .expect("rule"),
        "route=/api/projects,status=429,count=1"
            .parse()
            .expect("rule"),
        "route=/api/projects,status=429,body=false,count=1"
            .parse()
            .expect("rule"),
    ]);
    let http = client(Duration::from_secs(10));

    let with_header = get(&http, &emulator, "/api/projects").expect("answer");
    assert_eq!(with_header.status().as_u16(), 429);
    assert_eq!(with_header.headers()["retry-after"], "2");
    assert_eq!(
        with_header.json::<Value>().expect("json"),
        json!({"error": "Rate limit exceeded", "retry_after": "2s"})
    );

    let without = get(&http, &emulator, "/api/projects").expect("answer");
    assert_eq!(without.status().as_u16(), 429);
    assert!(without.headers().get("retry-after").is_none());
    assert_eq!(
        without.json::<Value>().expect("json"),
        json!({"error": "Rate limit exceeded", "retry_after": "1s"})
    );

    let bare = get(&http, &emulator, "/api/projects").expect("answer");
    assert_eq!(bare.status().as_u16(), 429);
    assert_eq!(bare.text().expect("text"), "");

    assert_eq!(status_of(&http, &emulator, "/api/projects"), 200);
}

#[test]
fn latency_delays_the_answer_of_matching_requests_only() {
    let emulator = start(vec![
        FaultRule::latency(Duration::from_millis(400)).route("/api/projects/*")
    ]);
    let http = client(Duration::from_secs(10));

    let started = Instant::now();
    assert_eq!(status_of(&http, &emulator, "/api/projects/alpha"), 200);
    assert!(started.elapsed() >= Duration::from_millis(400));

    assert_eq!(status_of(&http, &emulator, "/api/projects"), 200);
    assert_eq!(
        emulator.state().fault_counts(),
        [("latency".to_owned(), 1)].into()
    );
}

#[test]
fn close_ends_the_connection_without_an_answer_or_a_change() {
    let emulator = start(vec![FaultRule::close().method("POST").count(1)]);
    let http = client(Duration::from_secs(10));

    let started = Instant::now();
    let err = create_project(&http, &emulator, "beta").expect_err("no answer");
    assert!(err.status().is_none() && !err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "closed at once");
    assert_eq!(emulator.state().project_names(), ["alpha"]);

    let created = create_project(&http, &emulator, "beta").expect("answer");
    assert_eq!(created.status().as_u16(), 201);
}

#[test]
fn close_sends_not_a_single_byte_on_the_socket() {
    let emulator = start(vec![FaultRule::close().count(1)]);
    let address = emulator.url().trim_start_matches("http://").to_owned();
    let mut socket = TcpStream::connect(&address).expect("connect");
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(
        socket,
        "GET /api/projects HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {ADMIN}\r\n\r\n"
    )
    .expect("write");
    let mut received = Vec::new();
    match socket.read_to_end(&mut received) {
        Ok(_) => {}
        Err(err) => assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}"),
    }
    assert!(
        received.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&received)
    );
}

#[test]
fn a_late_answer_changes_state_while_the_client_gives_up() {
    let emulator = start(vec![FaultRule::late(Duration::from_secs(3))
        .route("/api/projects")
        .method("POST")
        .count(1)]);
    let impatient = client(Duration::from_millis(500));

    let err = create_project(&impatient, &emulator, "beta").expect_err("times out");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(emulator.state().project_names(), ["alpha", "beta"]);

    // What a retrying client then meets: the create already happened.
    let again =
        create_project(&client(Duration::from_secs(10)), &emulator, "beta").expect("answer");
    assert_eq!(again.status().as_u16(), 409);
}

#[test]
fn process_then_close_changes_state_and_answers_nothing() {
    let emulator = start(vec![FaultRule::process_then_close()
        .route("/api/projects")
        .method("POST")
        .count(1)]);
    let http = client(Duration::from_secs(10));

    let err = create_project(&http, &emulator, "beta").expect_err("no answer");
    assert!(err.status().is_none() && !err.is_timeout(), "{err:?}");
    assert_eq!(emulator.state().project_names(), ["alpha", "beta"]);
    assert_eq!(
        emulator.state().fault_counts(),
        [("process_then_close".to_owned(), 1)].into()
    );
}

#[test]
fn count_fires_exactly_that_many_times() {
    let emulator = start(vec![FaultRule::status(503).count(3)]);
    let http = client(Duration::from_secs(10));

    let statuses: Vec<u16> = (0..6)
        .map(|_| status_of(&http, &emulator, "/api/projects"))
        .collect();
    assert_eq!(statuses, [503, 503, 503, 200, 200, 200]);
    assert_eq!(emulator.state().faults().rules[0].count, Some(0));
}

#[test]
fn rate_fires_about_that_often_and_count_caps_it() {
    let http = client(Duration::from_secs(10));
    let failures = |rule: FaultRule, requests: usize| {
        let emulator = start(vec![rule]);
        (0..requests)
            .filter(|_| status_of(&http, &emulator, "/api/projects") == 503)
            .count()
    };

    // Binomial(400, 0.3): mean 120, standard deviation about 9.
    let sometimes = failures(FaultRule::status(503).rate(0.3), 400);
    assert!((80..=160).contains(&sometimes), "{sometimes}");
    assert_eq!(failures(FaultRule::status(503).rate(0.0), 50), 0);
    assert_eq!(failures(FaultRule::status(503).rate(1.0), 50), 50);
    assert_eq!(failures(FaultRule::status(503).rate(0.5).count(5), 100), 5);
}

#[test]
fn the_same_seed_replays_the_same_decisions() {
    let emulator = start(Vec::new());
    let http = client(Duration::from_secs(10));
    let run = |seed: u64| -> Vec<u16> {
        emulator.state().set_faults(
            FaultPlan::new(vec![
                FaultRule::status(503).rate(0.3),
                FaultRule::rate_limited(None).rate(0.3),
            ])
            .with_seed(seed),
        );
        (0..100)
            .map(|_| status_of(&http, &emulator, "/api/projects"))
            .collect()
    };

    let first = run(42);
    assert!(first.contains(&503) && first.contains(&429) && first.contains(&200));
    assert_eq!(run(42), first);
    assert_ne!(run(43), first);
}

#[test]
fn an_unseeded_plan_shows_the_seed_it_drew() {
    let emulator = start(Vec::new());
    emulator
        .state()
        .set_faults(FaultPlan::new(vec![FaultRule::status(503).rate(0.5)]));
    let seed = emulator.state().faults().seed.expect("a seed was drawn");

    let http = client(Duration::from_secs(10));
    let run = || -> Vec<u16> {
        (0..40)
            .map(|_| status_of(&http, &emulator, "/api/projects"))
            .collect()
    };
    let first = run();
    emulator
        .state()
        .set_faults(FaultPlan::new(vec![FaultRule::status(503).rate(0.5)]).with_seed(seed));
    assert_eq!(run(), first);
}

#[test]
fn rules_match_route_patterns_and_methods() {
    let emulator = start(vec![
        "route=/api/projects/*/permissions,method=post,status=503"
            .parse()
            .expect("rule"),
    ]);
    let http = client(Duration::from_secs(10));
    let grant = |project: &str| {
        http.post(format!(
            "{}/api/projects/{project}/permissions",
            emulator.url()
        ))
        .bearer_auth(ADMIN)
        .json(&json!({"subjectType": "user", "subjectName": "bob", "role": "view"}))
        .send()
        .expect("answer")
        .status()
        .as_u16()
    };

    assert_eq!(grant("alpha"), 503);
    assert_eq!(grant("other"), 503, "any project segment matches");
    assert_eq!(
        status_of(&http, &emulator, "/api/projects/alpha/permissions"),
        200
    );
    assert_eq!(status_of(&http, &emulator, "/api/projects/alpha/keys"), 200);
    assert_eq!(status_of(&http, &emulator, "/api/projects/alpha"), 200);
}

#[test]
fn the_admin_endpoint_sets_shows_and_clears_the_plan() {
    let emulator = start(Vec::new());
    let http = client(Duration::from_secs(10));
    let url = format!("{}/_emulator/faults", emulator.url());

    let plan = json!({"seed": 5, "rules": [
        {"route": "/api/projects", "method": "GET", "status": 503, "count": 2}
    ]});
    let armed: Value = http
        .put(&url)
        .bearer_auth(ADMIN)
        .json(&plan)
        .send()
        .expect("put")
        .json()
        .expect("json");
    assert_eq!(armed, plan);
    assert_eq!(status_of(&http, &emulator, "/api/projects"), 503);

    // The plan as it stands: one of the two failures is used up.
    let shown: Value = get(&http, &emulator, "/_emulator/faults")
        .expect("get")
        .json()
        .expect("json");
    assert_eq!(shown["rules"][0]["count"], 1);
    assert_eq!(shown["seed"], 5);

    let cleared = http.delete(&url).bearer_auth(ADMIN).send().expect("delete");
    assert_eq!(cleared.status().as_u16(), 204);
    assert_eq!(status_of(&http, &emulator, "/api/projects"), 200);
    assert!(emulator.state().faults().rules.is_empty());
}

#[test]
fn the_admin_endpoint_refuses_bad_plans_and_other_callers() {
    let emulator = start(Vec::new());
    let http = client(Duration::from_secs(10));
    let url = format!("{}/_emulator/faults", emulator.url());
    let error = |response: Response| -> (u16, String) {
        let status = response.status().as_u16();
        let body: Value = response.json().expect("json");
        (status, body["error"].as_str().expect("error").to_owned())
    };

    let (status, message) = error(http.get(&url).send().expect("answer"));
    assert_eq!((status, message.as_str()), (401, "User token required"));
    let (status, _) = error(
        http.get(&url)
            .bearer_auth("user-token")
            .send()
            .expect("answer"),
    );
    assert_eq!(status, 403);
    let (status, _) = error(
        http.put(&url)
            .bearer_auth("user-token")
            .json(&json!({"rules": [{"status": 503}]}))
            .send()
            .expect("answer"),
    );
    assert_eq!(status, 403);
    assert!(emulator.state().faults().rules.is_empty());

    let (status, message) = error(
        http.put(&url)
            .bearer_auth(ADMIN)
            .json(&json!({"rules": [{"status": 418}]}))
            .send()
            .expect("answer"),
    );
    assert_eq!(status, 400);
    assert!(message.contains("status must be one of"), "{message}");
}

#[test]
fn control_routes_are_never_faulted() {
    let emulator = start(vec![FaultRule::status(503)]);
    let http = client(Duration::from_secs(10));
    assert_eq!(status_of(&http, &emulator, "/api/projects"), 503);
    assert_eq!(status_of(&http, &emulator, "/_emulator/faults"), 200);
    assert_eq!(status_of(&http, &emulator, "/_emulator/stats"), 200);
}

#[test]
fn the_binary_takes_fault_rules_and_logs_the_seed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_acp-emulator"))
        .args([
            "--token",
            ADMIN,
            "--fault",
            "route=/api/projects,status=503,count=1",
            "--fault-seed",
            "977",
        ])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut url = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut url)
        .expect("url");
    let url = url.trim_end().to_owned();
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut logged = String::new();
    stderr.read_line(&mut logged).expect("log line");

    let http = client(Duration::from_secs(10));
    let status = |path: &str| {
        http.get(format!("{url}{path}"))
            .bearer_auth(ADMIN)
            .send()
            .expect("answer")
            .status()
            .as_u16()
    };
    let first = status("/api/projects");
    let second = status("/api/projects");
    let _ = child.kill();
    let _ = child.wait();

    assert!(
        logged.contains("fault plan armed") && logged.contains("seed=977"),
        "{logged}"
    );
    assert_eq!((first, second), (503, 200));
}

#[test]
fn the_binary_refuses_a_malformed_rule() {
    let output = Command::new(env!("CARGO_BIN_EXE_acp-emulator"))
        .args(["--token", ADMIN, "--fault", "status=503,rat=0.5"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown key \"rat\""), "{stderr}");
}
