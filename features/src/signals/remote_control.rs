//! Remote-control family: what one application's telemetry samples say about who was at the
//! keyboard, from where and on what machine.
//!
//! [`remote_control_signals`] reads the `telemetry` rows of ONE application (see
//! `docs/input-contract.md`), borrowed as [`TelemetrySample`]s, plus the application's
//! `browser_tz_offset_min`, and returns [`RemoteControlSignals`]. The batch path groups telemetry
//! by `application_id` and calls it once per group; the single-application path calls it with that
//! application's samples. Both get the same numbers from the same code.
//!
//! Telemetry features are distributions, not means (`docs/signals.md`):
//!
//! - **Input lag** (keystroke-to-delivery latency): local typing is a few ms, remote control adds
//!   a network round trip. Median, 90th percentile and the shares above 50 ms and 110 ms.
//! - **Typing interval** (each sample's median interval between keystrokes): median, 10th
//!   percentile, burstiness and the share below 40 ms (faster than people type; pasted or
//!   injected input).
//! - **Remote tools** as the platform names them, classified by [`RemoteToolClass`].
//! - **Virtual machine** share and **unusual screens** (see [`is_unusual_screen`]).
//! - **Network and device spread**: distinct sessions, IPs, IPv4 /24 networks, devices and OS time
//!   zone offsets, and how often the OS offset disagrees with the browser's.
//!
//! ## Definitions
//!
//! - **Quantiles** use linear interpolation between order statistics, numpy's default
//!   (`numpy.quantile(x, p, method="linear")`, Hyndman & Fan type 7): with the `n` valid values
//!   sorted ascending as `x[0] ≤ … ≤ x[n-1]`, `h = (n − 1)·p`, `q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] −
//!   x[⌊h⌋])`. The median is `p = 0.5`.
//! - **Burstiness** is Goh & Barabási's `B = (σ − μ) / (σ + μ)` (EPL 81, 48002, 2008) over the
//!   valid typing intervals, with `μ` their mean and `σ` their population standard deviation
//!   (`numpy.std`, `ddof = 0`). `B = −1` for a perfectly regular series (`σ = 0`), `B = 0` for a
//!   Poisson-like one (`σ = μ`) and `B → 1` for a very bursty one. It needs at least two valid
//!   intervals and `σ + μ > 0`; otherwise it is `None`.
//! - **Missing and invalid values**: a null, non-finite (NaN, ±∞) or negative lag or typing
//!   interval is ignored, as if the sample had no value. Ingest already nulls such values; this
//!   function does not trust its caller to have done so. Strings (`ip`, `device_id`,
//!   `remote_tool`, `screen`) that are empty or whitespace only count as null.
//! - **Shares** are over the samples where the value is present (and valid), and are `None` when
//!   there is none.
//!
//! ## Allocation
//!
//! The function sorts small per-application vectors (lags, intervals, parsed IPs, …). They live in
//! a [`RemoteControlScratch`] that the caller keeps and passes again for the next application, so
//! the batch path allocates only while the buffers grow to the largest application's size. It
//! never panics on input.

use std::cmp::Ordering;
use std::net::IpAddr;

/// Input lag above which a sample looks remote-controlled (ms): a round trip to another machine.
pub const LAG_REMOTE_MS: f64 = 50.0;
/// Input lag above which a sample looks relayed over a long distance or a KVM capture chain (ms).
pub const LAG_FAR_MS: f64 = 110.0;
/// Typing interval below which keystrokes are faster than people type (ms).
pub const TYPING_FAST_MS: f64 = 40.0;

/// Screen resolutions that KVM-over-IP capture devices and default VM consoles report
/// (`width`, `height`), which real laptops and monitors of applicants rarely have.
pub const KVM_SCREENS: [(u32, u32); 5] = [
    (1024, 768),
    (1280, 720),
    (1280, 1024),
    (800, 600),
    (1600, 1200),
];

/// One telemetry row of one application, borrowed from whatever holds the columns.
///
/// Field meanings as in `docs/input-contract.md` (`telemetry`); `event_at_micros` is `event_at` as
/// microseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TelemetrySample<'a> {
    /// One browser/assessment session.
    pub session_id: &'a str,
    /// When the sample was taken (µs since the Unix epoch, UTC).
    pub event_at_micros: i64,
    /// Source IP of the session, parsed once where the text is read
    /// ([`parse_ip`](crate::parse_ip): trimmed, an IPv4-mapped IPv6 address as its IPv4);
    /// `None` when missing or not an address.
    pub ip: Option<std::net::IpAddr>,
    /// Device fingerprint hash.
    pub device_id: Option<&'a str>,
    /// OS/browser UTC offset (minutes east of UTC).
    pub tz_offset_min: Option<i32>,
    /// Keystroke-to-delivery latency of this sample (ms).
    pub input_lag_ms: Option<f32>,
    /// Median interval between keystrokes in this sample (ms).
    pub typing_interval_ms: Option<f32>,
    /// Remote-access tool detected, lower case, `None` when none.
    pub remote_tool: Option<&'a str>,
    /// Whether the session ran inside a virtual machine.
    pub is_virtual_machine: Option<bool>,
    /// Screen resolution, e.g. `"1920x1080"`.
    pub screen: Option<&'a str>,
}

/// Kind of remote-access tool, from the lower-case name in `telemetry.remote_tool`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemoteToolClass {
    /// Consumer remote-desktop software: `anydesk`, `teamviewer`, `chrome_remote_desktop`, `vnc`,
    /// `rustdesk`, `splashtop`, `parsec`.
    SoftwareRemoteDesktop,
    /// Corporate remote access: `rdp`, `citrix`.
    Corporate,
    /// Hardware KVM-over-IP, invisible to the remote OS except through capture artefacts:
    /// `pikvm`, `tinypilot`.
    HardwareKvm,
    /// Any other name, including names in another case or spelling ("AnyDesk"): the platform
    /// reports lower case, so a different spelling is itself unusual.
    Other,
}

impl RemoteToolClass {
    /// Every class, in declaration order (for one-hot encoding and reports).
    pub const ALL: [RemoteToolClass; 4] = [
        RemoteToolClass::SoftwareRemoteDesktop,
        RemoteToolClass::Corporate,
        RemoteToolClass::HardwareKvm,
        RemoteToolClass::Other,
    ];

    /// Classifies a tool name by exact match after trimming surrounding whitespace.
    pub fn of(name: &str) -> Self {
        match name.trim() {
            "anydesk"
            | "teamviewer"
            | "chrome_remote_desktop"
            | "vnc"
            | "rustdesk"
            | "splashtop"
            | "parsec" => RemoteToolClass::SoftwareRemoteDesktop,
            "rdp" | "citrix" => RemoteToolClass::Corporate,
            "pikvm" | "tinypilot" => RemoteToolClass::HardwareKvm,
            _ => RemoteToolClass::Other,
        }
    }
}

/// Whether a screen as reported is unusual: one of the [`KVM_SCREENS`] capture defaults, or text
/// that is not `WIDTHxHEIGHT` with two positive decimal integers (`x` or `X`, surrounding
/// whitespace ignored). `"1920x1080"` is usual; `"1024x768"`, `"0x0"`, `"1920 by 1080"` and
/// `"unknown"` are unusual.
pub fn is_unusual_screen(screen: &str) -> bool {
    match parse_screen(screen) {
        Some(wh) => KVM_SCREENS.contains(&wh),
        None => true,
    }
}

fn parse_screen(screen: &str) -> Option<(u32, u32)> {
    let (w, h) = screen.trim().split_once(['x', 'X'])?;
    let dim = |s: &str| -> Option<u32> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u32>().ok().filter(|&v| v > 0)
    };
    Some((dim(w)?, dim(h)?))
}

/// Signals of one application's telemetry. Counts are 0 and everything else is `None` when there
/// is no sample ([`RemoteControlSignals::EMPTY`]).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct RemoteControlSignals {
    /// Telemetry samples (rows).
    pub sample_count: usize,
    /// Distinct `session_id`s.
    pub session_count: usize,

    /// Median input lag (ms) over valid lags; `None` when there is none.
    pub input_lag_median_ms: Option<f64>,
    /// 90th percentile of input lag (ms), linear interpolation (module docs).
    pub input_lag_p90_ms: Option<f64>,
    /// Share of valid lags above [`LAG_REMOTE_MS`] (0–1).
    pub input_lag_share_over_50ms: Option<f64>,
    /// Share of valid lags above [`LAG_FAR_MS`] (0–1).
    pub input_lag_share_over_110ms: Option<f64>,

    /// Median typing interval (ms) over valid intervals.
    pub typing_interval_median_ms: Option<f64>,
    /// 10th percentile of typing interval (ms), linear interpolation.
    pub typing_interval_p10_ms: Option<f64>,
    /// Goh–Barabási burstiness of the typing intervals, in [−1, 1] (module docs); `None` with
    /// fewer than two valid intervals or when all are 0.
    pub typing_burstiness: Option<f64>,
    /// Share of valid intervals below [`TYPING_FAST_MS`] (0–1).
    pub typing_share_under_40ms: Option<f64>,

    /// Whether any sample names a remote tool.
    pub remote_tool_seen: bool,
    /// Distinct remote tool names (trimmed, exact).
    pub remote_tool_distinct: usize,
    /// Whether a [`RemoteToolClass::SoftwareRemoteDesktop`] tool was seen.
    pub remote_tool_software: bool,
    /// Whether a [`RemoteToolClass::Corporate`] tool was seen.
    pub remote_tool_corporate: bool,
    /// Whether a [`RemoteToolClass::HardwareKvm`] tool was seen.
    pub remote_tool_hardware_kvm: bool,
    /// Whether a [`RemoteToolClass::Other`] tool was seen.
    pub remote_tool_other: bool,

    /// Share of samples with a known `is_virtual_machine` that ran in a VM (0–1).
    pub virtual_machine_share: Option<f64>,

    /// Whether any present screen is unusual ([`is_unusual_screen`]).
    pub unusual_screen_seen: bool,
    /// Share of present screens that are unusual (0–1).
    pub unusual_screen_share: Option<f64>,

    /// Distinct IP addresses that parse ([`parse_ip`](crate::parse_ip); an IPv4-mapped IPv6
    /// address is its IPv4 address). Malformed IPs are not counted.
    pub ip_distinct: usize,
    /// Distinct IPv4 /24 networks among those IPs (IPv6 addresses are not counted).
    pub ipv4_24_distinct: usize,
    /// Distinct `device_id`s.
    pub device_distinct: usize,
    /// Distinct `tz_offset_min` values.
    pub tz_offset_distinct: usize,
    /// Share of samples with a `tz_offset_min` whose offset differs from the application's
    /// `browser_tz_offset_min` (0–1); `None` when either is missing throughout.
    pub tz_offset_mismatch_share: Option<f64>,
    /// Largest |`tz_offset_min` − `browser_tz_offset_min`| (minutes) over those samples.
    pub tz_offset_max_abs_diff_min: Option<u32>,
}

impl RemoteControlSignals {
    /// The signals of an application without telemetry.
    pub const EMPTY: RemoteControlSignals = RemoteControlSignals {
        sample_count: 0,
        session_count: 0,
        input_lag_median_ms: None,
        input_lag_p90_ms: None,
        input_lag_share_over_50ms: None,
        input_lag_share_over_110ms: None,
        typing_interval_median_ms: None,
        typing_interval_p10_ms: None,
        typing_burstiness: None,
        typing_share_under_40ms: None,
        remote_tool_seen: false,
        remote_tool_distinct: 0,
        remote_tool_software: false,
        remote_tool_corporate: false,
        remote_tool_hardware_kvm: false,
        remote_tool_other: false,
        virtual_machine_share: None,
        unusual_screen_seen: false,
        unusual_screen_share: None,
        ip_distinct: 0,
        ipv4_24_distinct: 0,
        device_distinct: 0,
        tz_offset_distinct: 0,
        tz_offset_mismatch_share: None,
        tz_offset_max_abs_diff_min: None,
    };
}

/// Reusable buffers for [`remote_control_signals`]. Create one with `Default` and pass it for
/// every application; its contents between calls mean nothing.
#[derive(Debug, Default)]
pub struct RemoteControlScratch {
    values: Vec<f64>,
    ips: Vec<IpAddr>,
    nets: Vec<u32>,
    offsets: Vec<i32>,
    rows: Vec<usize>,
}

/// Computes [`RemoteControlSignals`] over the telemetry samples of one application.
///
/// `browser_tz_offset_min` is the application's `browser_tz_offset_min` (minutes east of UTC).
/// The order of `samples` does not matter. See the module docs for the definitions, the handling
/// of invalid values and the use of `scratch`.
pub fn remote_control_signals(
    samples: &[TelemetrySample<'_>],
    browser_tz_offset_min: Option<i32>,
    scratch: &mut RemoteControlScratch,
) -> RemoteControlSignals {
    if samples.is_empty() {
        return RemoteControlSignals::EMPTY;
    }
    let mut s = RemoteControlSignals {
        sample_count: samples.len(),
        ..RemoteControlSignals::EMPTY
    };

    // Sessions: session_id is non-nullable, counted as stored.
    s.session_count = distinct_strs(samples, &mut scratch.rows, |t| Some(t.session_id));

    // Input lag.
    let lags = valid_sorted(samples.iter().map(|t| t.input_lag_ms), &mut scratch.values);
    s.input_lag_median_ms = quantile_sorted(lags, 0.5);
    s.input_lag_p90_ms = quantile_sorted(lags, 0.9);
    s.input_lag_share_over_50ms = share(lags, |v| v > LAG_REMOTE_MS);
    s.input_lag_share_over_110ms = share(lags, |v| v > LAG_FAR_MS);

    // Typing interval.
    let typing = valid_sorted(
        samples.iter().map(|t| t.typing_interval_ms),
        &mut scratch.values,
    );
    s.typing_interval_median_ms = quantile_sorted(typing, 0.5);
    s.typing_interval_p10_ms = quantile_sorted(typing, 0.1);
    s.typing_burstiness = burstiness(typing);
    s.typing_share_under_40ms = share(typing, |v| v < TYPING_FAST_MS);

    // Remote tools.
    for tool in samples.iter().filter_map(|t| non_blank(t.remote_tool)) {
        s.remote_tool_seen = true;
        match RemoteToolClass::of(tool) {
            RemoteToolClass::SoftwareRemoteDesktop => s.remote_tool_software = true,
            RemoteToolClass::Corporate => s.remote_tool_corporate = true,
            RemoteToolClass::HardwareKvm => s.remote_tool_hardware_kvm = true,
            RemoteToolClass::Other => s.remote_tool_other = true,
        }
    }
    if s.remote_tool_seen {
        s.remote_tool_distinct = distinct_strs(samples, &mut scratch.rows, |t| {
            non_blank(t.remote_tool).map(str::trim)
        });
    }

    // Virtual machine.
    let (mut vm_known, mut vm_true) = (0usize, 0usize);
    for vm in samples.iter().filter_map(|t| t.is_virtual_machine) {
        vm_known += 1;
        vm_true += usize::from(vm);
    }
    s.virtual_machine_share = ratio(vm_true, vm_known);

    // Screens.
    let (mut screens, mut unusual) = (0usize, 0usize);
    for screen in samples.iter().filter_map(|t| non_blank(t.screen)) {
        screens += 1;
        unusual += usize::from(is_unusual_screen(screen));
    }
    s.unusual_screen_seen = unusual > 0;
    s.unusual_screen_share = ratio(unusual, screens);

    // IPs and IPv4 /24 networks.
    scratch.ips.clear();
    scratch.nets.clear();
    for ip in samples.iter().filter_map(|t| t.ip) {
        scratch.ips.push(ip);
        if let IpAddr::V4(v4) = ip {
            scratch.nets.push(u32::from(v4) >> 8);
        }
    }
    s.ip_distinct = distinct_sorted(&mut scratch.ips);
    s.ipv4_24_distinct = distinct_sorted(&mut scratch.nets);

    // Devices.
    s.device_distinct = distinct_strs(samples, &mut scratch.rows, |t| non_blank(t.device_id));

    // Time zone offsets.
    scratch.offsets.clear();
    scratch
        .offsets
        .extend(samples.iter().filter_map(|t| t.tz_offset_min));
    if let Some(browser) = browser_tz_offset_min {
        let mut mismatched = 0usize;
        let mut max_diff: Option<u32> = None;
        for &offset in &scratch.offsets {
            let diff = (i64::from(offset) - i64::from(browser)).unsigned_abs();
            let diff = u32::try_from(diff).unwrap_or(u32::MAX);
            mismatched += usize::from(diff != 0);
            max_diff = Some(max_diff.map_or(diff, |m| m.max(diff)));
        }
        s.tz_offset_mismatch_share = ratio(mismatched, scratch.offsets.len());
        s.tz_offset_max_abs_diff_min = max_diff;
    }
    s.tz_offset_distinct = distinct_sorted(&mut scratch.offsets);

    s
}

/// `Some(text)` unless null, empty or whitespace only.
fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.trim().is_empty())
}

/// `part / whole`, `None` when `whole` is 0.
fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Fills `buf` with the finite, non-negative values, sorted ascending, and returns it.
fn valid_sorted(values: impl Iterator<Item = Option<f32>>, buf: &mut Vec<f64>) -> &[f64] {
    buf.clear();
    buf.extend(
        values
            .flatten()
            .map(f64::from)
            .filter(|v| v.is_finite() && *v >= 0.0),
    );
    // All values are finite, so `total_cmp` is the numeric order (−0.0 sorts before 0.0, which
    // changes no quantile).
    buf.sort_unstable_by(f64::total_cmp);
    buf
}

/// Quantile `p` (0–1) of ascending `sorted` by linear interpolation (numpy's default, module
/// docs); `None` when empty.
fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p.clamp(0.0, 1.0);
    let lo = (h.floor() as usize).min(last);
    let hi = (lo + 1).min(last);
    let (a, b) = (*sorted.get(lo)?, *sorted.get(hi)?);
    Some(a + (h - lo as f64) * (b - a))
}

/// Share of `values` satisfying `pred`; `None` when empty.
fn share(values: &[f64], pred: impl Fn(f64) -> bool) -> Option<f64> {
    ratio(values.iter().filter(|&&v| pred(v)).count(), values.len())
}

/// Goh–Barabási burstiness `(σ − μ) / (σ + μ)`, population σ; `None` with fewer than two values
/// or when `σ + μ = 0`.
fn burstiness(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let sd = var.sqrt();
    let denom = sd + mean;
    (denom > 0.0 && denom.is_finite()).then(|| (sd - mean) / denom)
}

/// Sorts `values` and counts distinct ones.
fn distinct_sorted<T: Ord>(values: &mut [T]) -> usize {
    values.sort_unstable();
    count_runs(values, |a, b| a == b)
}

/// Distinct values of `key` over `samples` (rows where it is `None` are skipped), sorting row
/// indices in `rows` so that no string is copied.
fn distinct_strs<'a>(
    samples: &[TelemetrySample<'a>],
    rows: &mut Vec<usize>,
    key: impl Fn(&TelemetrySample<'a>) -> Option<&'a str>,
) -> usize {
    rows.clear();
    rows.extend((0..samples.len()).filter(|&i| samples.get(i).and_then(&key).is_some()));
    let key_of = |i: usize| samples.get(i).and_then(&key);
    rows.sort_unstable_by(|&a, &b| key_of(a).cmp(&key_of(b)));
    count_runs(rows, |&a, &b| key_of(a).cmp(&key_of(b)) == Ordering::Equal)
}

/// Number of runs of equal neighbours in a sorted slice.
fn count_runs<T>(sorted: &[T], eq: impl Fn(&T, &T) -> bool) -> usize {
    match sorted.first() {
        None => 0,
        Some(_) => 1 + sorted.windows(2).filter(|w| !eq(&w[0], &w[1])).count(),
    }
}

#[cfg(test)]
mod tests;
