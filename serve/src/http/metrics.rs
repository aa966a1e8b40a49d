//! Request counters and latency histograms in the Prometheus text format (version 0.0.4).
//!
//! Routes are labelled by their template (`/v2/models/{name}/infer`), never by the raw path,
//! so a client cannot grow the label set; requests no route matches share `unmatched`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
struct Counts {
    requests: BTreeMap<(&'static str, u16), u64>,
    latency: BTreeMap<&'static str, Histogram>,
}

/// What the service counts.
#[derive(Debug, Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

impl Metrics {
    /// Counts one request on `route` answered with `status` after `elapsed`.
    pub fn record(&self, route: &'static str, status: u16, elapsed: Duration) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *counts.requests.entry((route, status)).or_default() += 1;
        let h = counts.latency.entry(route).or_default();
        let seconds = elapsed.as_secs_f64();
        for (bucket, &bound) in h.buckets.iter_mut().zip(&LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// Requests answered so far on `route` with `status`.
    pub fn requests(&self, route: &str, status: u16) -> u64 {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counts
            .requests
            .iter()
            .filter(|((r, s), _)| *r == route && *s == status)
            .map(|(_, n)| n)
            .sum()
    }

    /// Every request answered so far.
    pub fn total(&self) -> u64 {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counts.requests.values().sum()
    }

    /// The exposition: requests by route and status, latency by route, the model's id (as an
    /// info gauge) and the history's size. `model` is `None` while the service is loading.
    pub fn render(&self, model: Option<&str>, history: Option<usize>) -> String {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::new();
        out.push_str(
            "# HELP appfraud_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE appfraud_http_requests_total counter\n");
        for ((route, status), n) in &counts.requests {
            let _ = writeln!(
                out,
                "appfraud_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP appfraud_http_request_duration_seconds Time from request to response, by route.\n");
        out.push_str("# TYPE appfraud_http_request_duration_seconds histogram\n");
        for (route, h) in &counts.latency {
            for (bound, n) in LATENCY_BUCKETS.iter().zip(h.buckets) {
                let _ = writeln!(
                    out,
                    "appfraud_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "appfraud_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "appfraud_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "appfraud_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        out.push_str("# HELP appfraud_model_info The model being served (1 once loaded).\n");
        out.push_str("# TYPE appfraud_model_info gauge\n");
        if let Some(model) = model {
            let _ = writeln!(out, "appfraud_model_info{{model_id=\"{model}\"}} 1");
        }
        out.push_str("# HELP appfraud_history_applications Applications in the history.\n");
        out.push_str("# TYPE appfraud_history_applications gauge\n");
        if let Some(n) = history {
            let _ = writeln!(out, "appfraud_history_applications {n}");
        }
        out.push_str("# HELP appfraud_ready Whether the model and the history are loaded.\n");
        out.push_str("# TYPE appfraud_ready gauge\n");
        let _ = writeln!(out, "appfraud_ready {}", u8::from(model.is_some()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_counts_every_request() {
        let m = Metrics::default();
        m.record("/v1/score", 200, Duration::from_micros(300));
        m.record("/v1/score", 200, Duration::from_millis(3));
        m.record("/v1/score", 400, Duration::from_secs(10));
        let text = m.render(Some("m-1"), Some(7));
        assert!(
            text.contains("appfraud_http_requests_total{route=\"/v1/score\",status=\"200\"} 2")
        );
        assert!(
            text.contains("appfraud_http_requests_total{route=\"/v1/score\",status=\"400\"} 1")
        );
        // 300 µs is under 0.0005 s; 3 ms under 0.005 s; 10 s only under +Inf.
        assert!(text.contains("bucket{route=\"/v1/score\",le=\"0.00025\"} 0"));
        assert!(text.contains("bucket{route=\"/v1/score\",le=\"0.0005\"} 1"));
        assert!(text.contains("bucket{route=\"/v1/score\",le=\"0.005\"} 2"));
        assert!(text.contains("bucket{route=\"/v1/score\",le=\"5\"} 2"));
        assert!(text.contains("bucket{route=\"/v1/score\",le=\"+Inf\"} 3"));
        assert!(text.contains("_count{route=\"/v1/score\"} 3"));
        assert!(text.contains("appfraud_model_info{model_id=\"m-1\"} 1"));
        assert!(text.contains("appfraud_history_applications 7"));
        assert_eq!(m.requests("/v1/score", 200), 2);
        assert_eq!(m.total(), 3);
    }
}
