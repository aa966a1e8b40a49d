//! Phone family throughput: the phones of a data directory read by the compiled, lock-free
//! classifier ([`phone_signals`]) and by the `phonenumber`-crate reference
//! ([`phone_signals_reference`]), one thread, in the same run. Prints µs per phone for each, the
//! share of phones the compiled reader hands to the reference, and the number of phones whose
//! signals differ (which must be 0).
//!
//! Usage: `cargo bench --bench phone_classifier -- DATA_DIR [ROUNDS]`. Each implementation reads
//! every phone once to warm up (compiling the metadata it needs), then `ROUNDS` times (default
//! 1) for the timing.

use std::path::PathBuf;
use std::time::Instant;

use appfraud_features::{
    PhoneSignals, phone_signals, phone_signals_compiled, phone_signals_reference, read_data_dir,
    stored_applications,
};

type Row = (Option<String>, String, Option<String>);

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: phone_classifier DATA_DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(1).max(1);
    let raw = read_data_dir(&dir).unwrap_or_else(|e| fail(&e));
    let rows: Vec<Row> = stored_applications(&raw)
        .unwrap_or_else(|e| fail(&e))
        .into_iter()
        .map(|a| {
            let app = a.application;
            (app.phone, app.claimed_country, app.claimed_region)
        })
        .collect();
    let n = rows.len();

    let reference = time(&rows, rounds, phone_signals_reference);
    let compiled = time(&rows, rounds, phone_signals);
    let fallbacks = rows
        .iter()
        .filter(|(p, c, r)| phone_signals_compiled(p.as_deref(), c, r.as_deref()).is_none())
        .count();
    let differing = rows
        .iter()
        .filter(|(p, c, r)| {
            phone_signals(p.as_deref(), c, r.as_deref())
                != phone_signals_reference(p.as_deref(), c, r.as_deref())
        })
        .count();
    println!("phones: {n} ({rounds} timed round(s) each, one thread)");
    println!("reference (phonenumber crate, locked cache): {reference:.3} µs/phone");
    println!("compiled (lock-free):                        {compiled:.3} µs/phone");
    println!("speed-up: {:.1}x", reference / compiled);
    println!(
        "handed to the reference: {fallbacks} of {n} ({:.4}%)",
        100.0 * fallbacks as f64 / n.max(1) as f64
    );
    println!("phones whose signals differ: {differing}");
}

/// Mean µs per phone of `f` over `rounds` passes, after one warm-up pass.
fn time(
    rows: &[Row],
    rounds: usize,
    f: fn(Option<&str>, &str, Option<&str>) -> PhoneSignals,
) -> f64 {
    let mut checksum = 0u64;
    let mut pass = || {
        for (p, c, r) in rows {
            let s = f(p.as_deref(), c, r.as_deref());
            checksum = checksum.wrapping_add(s.e164.unwrap_or(0) ^ u64::from(s.valid));
        }
    };
    pass();
    let started = Instant::now();
    for _ in 0..rounds {
        pass();
    }
    let elapsed = started.elapsed().as_secs_f64();
    std::hint::black_box(checksum);
    elapsed * 1e6 / (rounds * rows.len()).max(1) as f64
}

fn fail(e: &dyn std::fmt::Display) -> ! {
    eprintln!("phone_classifier: {e}");
    std::process::exit(1);
}
