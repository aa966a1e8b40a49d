//! A bounded, open-loop HTTP load generator for `appfraud serve`: `POST /v1/score` at a fixed
//! rate with the applications of a data directory as bodies (which the server's history does
//! not hold), over keep-alive connections on loopback.
//!
//! Request `j` is due at `start + j / RATE`; each of the CONNECTIONS threads sends its share
//! when due (at once if it is late), and latency is measured from when the request was due,
//! not from when it was sent, so a server that falls behind shows it in the figures (no
//! coordinated omission). Any status other than 200, and any transport error, is an error.
//!
//! `cargo bench --workspace --bench http_load -- URL NEW_DIR RATE SECONDS [CONNECTIONS]`
//! prints one line for that rate; with RATE = `max`, it steps the rate up (10 s per step) and
//! reports the highest rate held with zero errors and p99 ≤ 5 ms. `bench/serve.sh` runs both
//! against a server holding a 1M-application history.

use std::path::Path;
use std::time::{Duration, Instant};

use appfraud_features::{read_data_dir, stored_applications};
use appfraud_serve::http::wire::application_body;

/// The p99 a rate must hold in `max` mode, in milliseconds.
const P99_TARGET_MS: f64 = 5.0;

/// The rates tried in `max` mode.
const STEPS: [u32; 10] = [500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000];

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

struct Outcome {
    rate: u32,
    sent: usize,
    errors: usize,
    elapsed: f64,
    millis: Vec<f64>,
}

impl Outcome {
    fn quantile(&self, p: f64) -> f64 {
        if self.millis.is_empty() {
            return f64::NAN;
        }
        self.millis[((self.millis.len() - 1) as f64 * p).round() as usize]
    }

    fn print(&self) {
        println!(
            "rate {}/s: {} requests in {:.1} s ({:.0}/s achieved), {} errors; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.rate,
            self.sent,
            self.elapsed,
            self.sent as f64 / self.elapsed,
            self.errors,
            self.quantile(0.5),
            self.quantile(0.9),
            self.quantile(0.99),
            self.quantile(1.0)
        );
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [url, dir, rate, seconds, rest @ ..] = args.as_slice() else {
        return Err("usage: http_load URL NEW_DIR RATE|max SECONDS [CONNECTIONS]".into());
    };
    let seconds: f64 = seconds.parse()?;
    let connections: usize = rest.first().map_or(Ok(32), |c| c.parse())?;
    let raw = read_data_dir(Path::new(dir))?;
    let bodies: Vec<Vec<u8>> = stored_applications(&raw)?
        .iter()
        .map(|a| {
            application_body(&a.application, &a.telemetry)
                .to_string()
                .into_bytes()
        })
        .collect();
    if bodies.is_empty() {
        return Err(format!("{dir} holds no application").into());
    }
    let target = format!("{}/v1/score", url.trim_end_matches('/'));
    println!(
        "{} bodies (mean {} bytes), {connections} connections",
        bodies.len(),
        bodies.iter().map(Vec::len).sum::<usize>() / bodies.len()
    );
    // Warm the server's caches and the connections.
    load(&target, &bodies, 200, 2.0, connections);
    if rate != "max" {
        load(&target, &bodies, rate.parse()?, seconds, connections).print();
        return Ok(());
    }
    let mut held = None;
    for step in STEPS {
        let outcome = load(&target, &bodies, step, seconds, connections);
        outcome.print();
        if outcome.errors == 0 && outcome.quantile(0.99) <= P99_TARGET_MS {
            held = Some(step);
        } else {
            break;
        }
    }
    match held {
        Some(rate) => {
            println!("highest rate held with zero errors and p99 <= {P99_TARGET_MS} ms: {rate}/s")
        }
        None => println!("no rate held p99 <= {P99_TARGET_MS} ms with zero errors"),
    }
    Ok(())
}

fn load(target: &str, bodies: &[Vec<u8>], rate: u32, seconds: f64, connections: usize) -> Outcome {
    let total = (f64::from(rate) * seconds).round() as usize;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = Instant::now() + Duration::from_millis(50);
    let results: Vec<(usize, Vec<f64>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..connections)
            .map(|k| {
                s.spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(Duration::from_secs(10)))
                        .build()
                        .into();
                    let mut errors = 0;
                    let mut millis = Vec::with_capacity(total / connections + 1);
                    for j in (k..total).step_by(connections) {
                        let due = start + interval * j as u32;
                        let now = Instant::now();
                        if due > now {
                            std::thread::sleep(due - now);
                        }
                        let ok = agent
                            .post(target)
                            .header("content-type", "application/json")
                            .send(&bodies[j % bodies.len()][..])
                            .ok()
                            .and_then(|mut r| {
                                let ok = r.status() == 200;
                                r.body_mut().read_to_vec().ok().map(|_| ok)
                            })
                            .unwrap_or(false);
                        millis.push(due.elapsed().as_secs_f64() * 1e3);
                        if !ok {
                            errors += 1;
                        }
                    }
                    (errors, millis)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a load thread"))
            .collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let errors = results.iter().map(|r| r.0).sum();
    let mut millis: Vec<f64> = results.into_iter().flat_map(|r| r.1).collect();
    millis.sort_unstable_by(f64::total_cmp);
    Outcome {
        rate,
        sent: total,
        errors,
        elapsed,
        millis,
    }
}
