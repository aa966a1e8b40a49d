//! `appfraud serve` as a process: it listens at once, turns ready once loaded, refuses a
//! missing history with exit code 2, and on SIGTERM during load finishes every request it
//! accepted: the number of requests the server says it answered equals the number of replies
//! the clients received, every one of them a 200; and its log shows nothing the clients sent.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{BIN, baseline, run, s, sample, usage_error};
use serde_json::{Value, json};

fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Starts `appfraud serve` on an ephemeral port with an empty history; returns the process,
/// its base URL and the reader of the rest of its stderr.
fn spawn() -> (Child, String, BufReader<std::process::ChildStderr>) {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--model",
            s(&baseline()),
            "--references",
            s(&sample()),
            "--addr",
            "127.0.0.1:0",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("appfraud serve starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let base = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("stderr") > 0,
            "serve exited before listening"
        );
        if let Some(at) = line.find("http://") {
            let url: String = line[at..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            break url;
        }
    };
    (child, base, stderr)
}

fn wait_ready(c: &ureq::Agent, base: &str) -> u64 {
    let started = Instant::now();
    let mut polls = 0;
    loop {
        polls += 1;
        let status = c
            .get(format!("{base}/v2/health/ready"))
            .call()
            .expect("the server answers while loading")
            .status()
            .as_u16();
        if status == 200 {
            return polls;
        }
        assert_eq!(status, 503, "not ready yet means 503");
        assert!(started.elapsed() < Duration::from_secs(120), "never ready");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn application(i: u64) -> Value {
    json!({"application": {
        "application_id": format!("load-{i}"),
        "submitted_at": "2026-05-01T12:00:00Z",
        "job_id": "job-1",
        "full_name": "Test Applicant",
        "email": format!("applicant{i}@example.org"),
        "claimed_country": "US",
        "phone": "+1 415 555 0100",
        "ip": "8.8.8.8",
        "browser_tz_offset_min": -420,
    }, "telemetry": [
        {"session_id": "s1", "event_at": "2026-05-01T12:01:00Z", "ip": "8.8.8.8", "input_lag_ms": 12.5, "tz_offset_min": -420}
    ]})
}

#[test]
fn sigterm_during_load_loses_no_accepted_request() {
    let (mut child, base, mut stderr) = spawn();
    let c = client();
    let polls = wait_ready(&c, &base);

    let stop = AtomicBool::new(false);
    let answered = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for w in 0..4u64 {
            let (stop, answered, base) = (&stop, &answered, &base);
            scope.spawn(move || {
                let c = client();
                let mut i = w * 1_000_000;
                // Until the server stops accepting: then a request fails to connect, or its
                // connection is closed before the request is read. Neither was accepted.
                while let Ok(mut response) =
                    c.post(format!("{base}/v1/score")).send_json(application(i))
                {
                    let status = response.status().as_u16();
                    let reply: Value = response.body_mut().read_json().expect("a whole JSON reply");
                    assert_eq!(status, 200, "{reply}");
                    answered.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                    if stop.load(Ordering::Relaxed) && i % 50 == 0 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
            });
        }
        // Let the load run, then terminate the server in the middle of it.
        std::thread::sleep(Duration::from_millis(1500));
        stop.store(true, Ordering::Relaxed);
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
    });
    let status = child.wait().expect("serve exits");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("stderr");
    assert!(status.success(), "serve exits 0 on SIGTERM: {rest}");
    // Its log holds nothing a client sent: no email, name, phone or address.
    for personal in [
        "@example.org",
        "Test Applicant",
        "415 555",
        "8.8.8.8",
        "load-",
    ] {
        assert!(
            !rest.contains(personal),
            "the log shows {personal:?}: {rest}"
        );
    }
    let served: u64 = rest
        .lines()
        .find_map(|l| {
            let at = l.find("stopped: ")? + "stopped: ".len();
            l[at..].split_whitespace().next()?.parse().ok()
        })
        .unwrap_or_else(|| panic!("no `stopped:` line in {rest:?}"));
    let answered = answered.load(Ordering::Relaxed);
    assert!(answered > 20, "the load ran: {answered} replies");
    assert_eq!(
        served,
        answered + polls,
        "every request the server answered reached its client ({polls} readiness polls)"
    );
}

#[test]
fn serve_without_a_history_is_a_usage_error() {
    let out = run(&["serve", "--model", s(&baseline())]);
    let stderr = usage_error(&out);
    assert!(
        stderr.contains("--snapshot FILE, --data DIR, or --references DIR"),
        "{stderr}"
    );
}

#[test]
fn a_broken_model_is_refused_with_exit_code_2_after_listening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(&[
        "serve",
        "--model",
        s(dir.path()),
        "--references",
        s(&sample()),
        "--addr",
        "127.0.0.1:0",
    ]);
    let stderr = usage_error(&out);
    assert!(stderr.contains("manifest.json"), "{stderr}");
}
