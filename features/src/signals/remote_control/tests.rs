//! Unit tests of the remote-control family. Expected values are worked out by hand in the
//! comments; where a value was cross-checked it names `numpy.quantile(x, p)` (method "linear",
//! numpy's default) or `numpy.std(x)` (ddof 0). Tolerance 1e-12 for every float.

use super::*;

const TOL: f64 = 1e-12;

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() <= TOL)
}

fn assert_close(actual: Option<f64>, expected: f64, what: &str) {
    assert!(close(actual, expected), "{what}: {actual:?} vs {expected}");
}

fn sample(session: &str) -> TelemetrySample<'_> {
    TelemetrySample {
        session_id: session,
        ..TelemetrySample::default()
    }
}

fn with_lags(lags: &[Option<f32>]) -> Vec<TelemetrySample<'static>> {
    lags.iter()
        .map(|&l| TelemetrySample {
            input_lag_ms: l,
            ..sample("s")
        })
        .collect()
}

fn with_typing(intervals: &[Option<f32>]) -> Vec<TelemetrySample<'static>> {
    intervals
        .iter()
        .map(|&t| TelemetrySample {
            typing_interval_ms: t,
            ..sample("s")
        })
        .collect()
}

fn run(samples: &[TelemetrySample<'_>], browser: Option<i32>) -> RemoteControlSignals {
    remote_control_signals(samples, browser, &mut RemoteControlScratch::default())
}

#[test]
fn quantiles_on_an_odd_count_interpolate_like_numpy() {
    // Sorted: [3, 7, 20, 60, 120], n = 5.
    // Median: h = 4·0.5 = 2 → x[2] = 20.
    // p90: h = 4·0.9 = 3.6 → 60 + 0.6·(120 − 60) = 96 (numpy.quantile gives 96.0).
    // > 50 ms: 60 and 120 → 2/5 = 0.4. > 110 ms: 120 → 1/5 = 0.2.
    let s = run(
        &with_lags(&[Some(60.0), Some(3.0), Some(120.0), Some(7.0), Some(20.0)]),
        None,
    );
    assert_close(s.input_lag_median_ms, 20.0, "median");
    assert_close(s.input_lag_p90_ms, 96.0, "p90");
    assert_close(s.input_lag_share_over_50ms, 0.4, "share > 50");
    assert_close(s.input_lag_share_over_110ms, 0.2, "share > 110");
}

#[test]
fn quantiles_on_an_even_count_interpolate_between_the_middle_values() {
    // Sorted: [2, 4, 10, 30], n = 4.
    // Median: h = 3·0.5 = 1.5 → 4 + 0.5·(10 − 4) = 7.
    // p90: h = 3·0.9 = 2.7 → 10 + 0.7·(30 − 10) = 24.
    // p10 of the same values as typing intervals: h = 0.3 → 2 + 0.3·(4 − 2) = 2.6.
    let values = [Some(30.0), Some(2.0), Some(10.0), Some(4.0)];
    let s = run(&with_lags(&values), None);
    assert_close(s.input_lag_median_ms, 7.0, "median");
    assert_close(s.input_lag_p90_ms, 24.0, "p90");
    let t = run(&with_typing(&values), None);
    assert_close(t.typing_interval_median_ms, 7.0, "typing median");
    assert_close(t.typing_interval_p10_ms, 2.6, "typing p10");
    // Below 40 ms: all four → 1.0.
    assert_close(t.typing_share_under_40ms, 1.0, "share < 40");
}

#[test]
fn a_single_value_is_every_quantile() {
    let s = run(&with_lags(&[Some(42.0)]), None);
    assert_close(s.input_lag_median_ms, 42.0, "median");
    assert_close(s.input_lag_p90_ms, 42.0, "p90");
    assert_close(s.input_lag_share_over_50ms, 0.0, "share > 50");
    // One interval: burstiness needs two.
    let t = run(&with_typing(&[Some(42.0)]), None);
    assert_close(t.typing_interval_p10_ms, 42.0, "p10");
    assert_eq!(t.typing_burstiness, None);
}

#[test]
fn missing_nan_infinite_and_negative_values_are_ignored() {
    // Valid: [10, 50, 200] (50 is not > 50). Median 50; p90: h = 1.8 → 50 + 0.8·150 = 170.
    // Shares over the 3 valid values: > 50 → 1/3, > 110 → 1/3.
    let s = run(
        &with_lags(&[
            None,
            Some(200.0),
            Some(f32::NAN),
            Some(10.0),
            Some(f32::INFINITY),
            Some(-5.0),
            Some(f32::NEG_INFINITY),
            Some(50.0),
        ]),
        None,
    );
    assert_eq!(s.sample_count, 8);
    assert_close(s.input_lag_median_ms, 50.0, "median");
    assert_close(s.input_lag_p90_ms, 170.0, "p90");
    assert_close(s.input_lag_share_over_50ms, 1.0 / 3.0, "share > 50");
    assert_close(s.input_lag_share_over_110ms, 1.0 / 3.0, "share > 110");
    // Typing absent from every sample: all typing signals undefined.
    assert_eq!(s.typing_interval_median_ms, None);
    assert_eq!(s.typing_interval_p10_ms, None);
    assert_eq!(s.typing_burstiness, None);
    assert_eq!(s.typing_share_under_40ms, None);

    let all_bad = run(&with_lags(&[Some(f32::NAN), None, Some(-1.0)]), None);
    assert_eq!(all_bad.input_lag_median_ms, None);
    assert_eq!(all_bad.input_lag_share_over_50ms, None);
}

#[test]
fn burstiness_is_minus_one_for_a_regular_series() {
    // σ = 0, μ = 120 → (0 − 120) / (0 + 120) = −1.
    let t = run(&with_typing(&[Some(120.0); 5]), None);
    assert_close(t.typing_burstiness, -1.0, "regular");
    // All zero: σ + μ = 0, undefined.
    let z = run(&with_typing(&[Some(0.0), Some(0.0)]), None);
    assert_eq!(z.typing_burstiness, None);
}

#[test]
fn burstiness_of_a_bursty_series() {
    // [10, 10, 10, 10, 210]: μ = 250 / 5 = 50; deviations −40 ×4 and 160;
    // variance = (4·1600 + 25600) / 5 = 32000 / 5 = 6400 → σ = 80 (numpy.std gives 80.0).
    // B = (80 − 50) / (80 + 50) = 30 / 130 = 3/13.
    let t = run(
        &with_typing(&[Some(10.0), Some(10.0), Some(210.0), Some(10.0), Some(10.0)]),
        None,
    );
    assert_close(t.typing_burstiness, 3.0 / 13.0, "bursty");
    // [100, 300]: μ = 200, σ = 100 → B = −100/300 = −1/3 (less regular than −1).
    let u = run(&with_typing(&[Some(100.0), Some(300.0)]), None);
    assert_close(u.typing_burstiness, -1.0 / 3.0, "two values");
    // Under 40 ms in the bursty series: the four 10s → 0.8.
    assert_close(t.typing_share_under_40ms, 0.8, "share < 40");
}

#[test]
fn tools_are_classified_by_exact_lower_case_name() {
    use RemoteToolClass::*;
    for (name, class) in [
        ("anydesk", SoftwareRemoteDesktop),
        ("teamviewer", SoftwareRemoteDesktop),
        ("chrome_remote_desktop", SoftwareRemoteDesktop),
        ("vnc", SoftwareRemoteDesktop),
        ("rustdesk", SoftwareRemoteDesktop),
        (" anydesk ", SoftwareRemoteDesktop),
        ("rdp", Corporate),
        ("citrix", Corporate),
        ("pikvm", HardwareKvm),
        ("tinypilot", HardwareKvm),
        ("AnyDesk", Other),
        ("ammyy", Other),
        ("", Other),
    ] {
        assert_eq!(RemoteToolClass::of(name), class, "{name:?}");
    }
}

#[test]
fn tool_flags_and_distinct_count() {
    // Tools: anydesk (twice), pikvm, "mystery"; blank and null are no tool.
    // Distinct names: anydesk, pikvm, mystery → 3. Classes: software, KVM, other; no corporate.
    let tools = [
        Some("anydesk"),
        None,
        Some("pikvm"),
        Some("anydesk"),
        Some("  "),
        Some("mystery"),
    ];
    let samples: Vec<_> = tools
        .iter()
        .map(|&t| TelemetrySample {
            remote_tool: t,
            ..sample("s")
        })
        .collect();
    let s = run(&samples, None);
    assert!(s.remote_tool_seen);
    assert_eq!(s.remote_tool_distinct, 3);
    assert!(s.remote_tool_software);
    assert!(!s.remote_tool_corporate);
    assert!(s.remote_tool_hardware_kvm);
    assert!(s.remote_tool_other);

    let none = run(&[sample("s"), sample("t")], None);
    assert!(!none.remote_tool_seen);
    assert_eq!(none.remote_tool_distinct, 0);
}

#[test]
fn distinct_ips_and_ipv4_24s() {
    // Parsed: 203.0.113.5, 203.0.113.77 (same /24), ::ffff:203.0.113.5 (= the first),
    // 198.51.100.9 (another /24), 2001:db8::1 (IPv6, no /24), " 198.51.100.9 " (= 4th after trim).
    // Malformed and ignored: "10.0.0.256", "unknown", "1.2.3.4/24", "".
    // Distinct IPs: 203.0.113.5, 203.0.113.77, 198.51.100.9, 2001:db8::1 → 4.
    // Distinct /24s: 203.0.113, 198.51.100 → 2.
    let ips = [
        "203.0.113.5",
        "203.0.113.77",
        "::ffff:203.0.113.5",
        "198.51.100.9",
        "2001:db8::1",
        " 198.51.100.9 ",
        "10.0.0.256",
        "unknown",
        "1.2.3.4/24",
        "",
    ];
    let samples: Vec<_> = ips
        .iter()
        .map(|&ip| TelemetrySample {
            ip: crate::parse_ip(ip),
            ..sample("s")
        })
        .collect();
    let s = run(&samples, None);
    assert_eq!(s.ip_distinct, 4);
    assert_eq!(s.ipv4_24_distinct, 2);
}

#[test]
fn sessions_and_devices_are_counted_distinct() {
    let rows = [
        ("a", Some("d1")),
        ("b", Some("d2")),
        ("a", Some("d1")),
        ("c", None),
        ("b", Some(" ")),
    ];
    let samples: Vec<_> = rows
        .iter()
        .map(|&(session, device)| TelemetrySample {
            device_id: device,
            ..sample(session)
        })
        .collect();
    let s = run(&samples, None);
    // Sessions a, b, c; devices d1, d2 (null and blank skipped).
    assert_eq!(s.session_count, 3);
    assert_eq!(s.device_distinct, 2);
}

#[test]
fn tz_offset_mismatch_share_and_max_difference() {
    // Browser −300 (US Eastern, standard time). OS offsets: −300, −300, 540, −240, null.
    // 4 known: 2 differ (540: |540 + 300| = 840; −240: 60) → share 0.5, max 840.
    // Distinct offsets: −300, 540, −240 → 3.
    let offsets = [Some(-300), Some(-300), Some(540), Some(-240), None];
    let samples: Vec<_> = offsets
        .iter()
        .map(|&o| TelemetrySample {
            tz_offset_min: o,
            ..sample("s")
        })
        .collect();
    let s = run(&samples, Some(-300));
    assert_close(s.tz_offset_mismatch_share, 0.5, "mismatch share");
    assert_eq!(s.tz_offset_max_abs_diff_min, Some(840));
    assert_eq!(s.tz_offset_distinct, 3);

    // Without the browser offset the comparison is undefined, the spread is not.
    let n = run(&samples, None);
    assert_eq!(n.tz_offset_mismatch_share, None);
    assert_eq!(n.tz_offset_max_abs_diff_min, None);
    assert_eq!(n.tz_offset_distinct, 3);

    // Extreme values do not overflow: |i32::MAX − i32::MIN| = 2^32 − 1 = u32::MAX.
    let x = run(
        &[TelemetrySample {
            tz_offset_min: Some(i32::MAX),
            ..sample("s")
        }],
        Some(i32::MIN),
    );
    assert_eq!(x.tz_offset_max_abs_diff_min, Some(u32::MAX));
}

#[test]
fn screens_and_virtual_machines() {
    // Present screens: 1920x1080 (usual), 1024x768 (KVM default), "unknown" (unparseable),
    // 2560X1440 (usual, upper-case X) → 2 of 4 unusual = 0.5. Null and blank are skipped.
    // VM: true, false, false, null, true, null → 2 of 4 known = 0.5.
    let rows = [
        (Some("1920x1080"), Some(true)),
        (Some("1024x768"), Some(false)),
        (None, Some(false)),
        (Some("unknown"), None),
        (Some(" "), Some(true)),
        (Some("2560X1440"), None),
    ];
    let samples: Vec<_> = rows
        .iter()
        .map(|&(screen, vm)| TelemetrySample {
            screen,
            is_virtual_machine: vm,
            ..sample("s")
        })
        .collect();
    let s = run(&samples, None);
    assert!(s.unusual_screen_seen);
    assert_close(s.unusual_screen_share, 0.5, "unusual screens");
    assert_close(s.virtual_machine_share, 0.5, "vm share");

    for usual in ["1920x1080", " 1366x768 ", "3840x2160"] {
        assert!(!is_unusual_screen(usual), "{usual}");
    }
    for unusual in [
        "1024x768",
        "1280x720",
        "1280x1024",
        "800x600",
        "1600x1200",
        "0x0",
        "x",
        "1920x",
        "-1x5",
        "+1920x1080",
        "1920 x 1080",
        "1920x1080x2",
        "",
    ] {
        assert!(is_unusual_screen(unusual), "{unusual}");
    }
}

#[test]
fn empty_input_is_the_documented_empty_value() {
    let s = run(&[], Some(60));
    assert_eq!(s, RemoteControlSignals::EMPTY);
    assert_eq!(s.sample_count, 0);
    assert_eq!(s.input_lag_median_ms, None);
    assert_eq!(s.tz_offset_mismatch_share, None);
    assert!(!s.remote_tool_seen);
    assert_eq!(RemoteControlSignals::EMPTY, RemoteControlSignals::default());
}

#[test]
fn a_reused_scratch_gives_the_same_answer_as_a_fresh_one() {
    let big = with_lags(&[Some(1.0), Some(900.0), Some(3.0), Some(4.0), Some(5.0)]);
    let small = with_lags(&[Some(8.0), Some(2.0)]);
    let mut scratch = RemoteControlScratch::default();
    let _ = remote_control_signals(&big, None, &mut scratch);
    assert_eq!(
        remote_control_signals(&small, None, &mut scratch),
        run(&small, None)
    );
}
