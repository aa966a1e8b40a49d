//! Phase three: telemetry samples of every application, drawn from its [`SessionPlan`].
//!
//! The first session is the application form itself and starts at submission; the assessment
//! follows one to ten days later and interviews one to five weeks later, at working hours of the
//! zone the person (or operator) is really in. Samples taken after the end of the data window
//! have not happened yet and are not written.

use appfraud_core::primitives::{MICROS_PER_DAY, MICROS_PER_MINUTE, MICROS_PER_SECOND};

use crate::actors::{KVM_SCREENS, SHIFT_HOURS, offset_min};
use crate::model::{Clock, SessionPlan};
use crate::rng::Rng;

/// Telemetry rows of a run of applications, column by column.
#[derive(Debug, Default)]
pub(crate) struct TelemetryColumns {
    /// Index of the application (in file order) the row belongs to.
    pub app: Vec<u32>,
    pub session: Vec<u8>,
    pub event_at: Vec<i64>,
    /// Index into the application's `SessionPlan::ips`.
    pub ip: Vec<Option<u8>>,
    /// 0: the plan's `device`, 1: its `alt_device`.
    pub device_id: Vec<Option<u8>>,
    pub tz_offset_min: Vec<Option<i32>>,
    pub input_lag_ms: Vec<Option<f32>>,
    pub typing_interval_ms: Vec<Option<f32>>,
    pub remote_tool: Vec<Option<&'static str>>,
    pub is_virtual_machine: Vec<Option<bool>>,
    pub screen: Vec<Option<&'static str>>,
}

impl TelemetryColumns {
    pub(crate) fn len(&self) -> usize {
        self.app.len()
    }

    pub(crate) fn append(&mut self, mut other: TelemetryColumns) {
        self.app.append(&mut other.app);
        self.session.append(&mut other.session);
        self.event_at.append(&mut other.event_at);
        self.ip.append(&mut other.ip);
        self.device_id.append(&mut other.device_id);
        self.tz_offset_min.append(&mut other.tz_offset_min);
        self.input_lag_ms.append(&mut other.input_lag_ms);
        self.typing_interval_ms
            .append(&mut other.typing_interval_ms);
        self.remote_tool.append(&mut other.remote_tool);
        self.is_virtual_machine
            .append(&mut other.is_virtual_machine);
        self.screen.append(&mut other.screen);
    }
}

fn clock_offset(clock: Clock, at: i64) -> i32 {
    match clock {
        Clock::Fixed(m) => m,
        Clock::Zone(tz) => offset_min(tz, at),
    }
}

/// Appends the telemetry of application `app` (submitted at `submitted_at`) to `out`; samples at
/// or after `as_of` are not taken.
pub(crate) fn sessions(
    seed: u64,
    app: u32,
    submitted_at: i64,
    plan: &SessionPlan,
    as_of: i64,
    out: &mut TelemetryColumns,
) {
    let mut rng = Rng::new(seed ^ 0x7e1e, plan.key);
    let rng = &mut rng;
    for s in 0..plan.sessions {
        let start = match s {
            0 => submitted_at + rng.range(0, 90 * MICROS_PER_SECOND as u64) as i64,
            _ => {
                let days = if s == 1 {
                    rng.uniform(1.0, 10.0)
                } else {
                    rng.uniform(7.0, 35.0)
                };
                let t = submitted_at + (days * MICROS_PER_DAY as f64) as i64;
                let moved = crate::actors::at_local_hour(
                    t,
                    plan.activity_zone,
                    &SHIFT_HOURS,
                    submitted_at,
                    i64::MAX,
                    rng,
                );
                moved.max(submitted_at)
            }
        };
        let ip: u8 = if rng.chance(plan.alt_ip_p) && plan.ips.len() > 1 {
            1
        } else {
            0
        };
        let device: u8 = if rng.chance(plan.alt_device_p) { 1 } else { 0 };
        let has_device = if device == 1 {
            plan.alt_device.is_some()
        } else {
            plan.device.is_some()
        };
        let clock = match plan.leak_clock {
            Some(leak) if rng.chance(plan.leak_p) => leak,
            _ => plan.clock,
        };
        let tool_seen = plan.tool.filter(|_| rng.chance(plan.tool_p));
        let vm = rng.chance(plan.vm_p);
        let screen = if rng.chance(plan.odd_screen_p) && !KVM_SCREENS.contains(&plan.screen) {
            *rng.pick(KVM_SCREENS)
        } else {
            plan.screen
        };
        let samples = rng.int(2, 6);
        let mut t = start;
        for _ in 0..samples {
            if t >= as_of {
                break;
            }
            out.app.push(app);
            out.session.push(s);
            out.event_at.push(t);
            out.ip.push((!rng.chance(0.01)).then_some(ip));
            out.device_id.push(if rng.chance(0.01) || !has_device {
                None
            } else {
                Some(device)
            });
            out.tz_offset_min
                .push((!rng.chance(0.01)).then(|| clock_offset(clock, t)));
            out.input_lag_ms.push(if rng.chance(0.02) {
                None
            } else if rng.chance(0.0002) {
                // Clock skew between client and server: a negative latency.
                Some(-rng.uniform(1.0, 50.0) as f32)
            } else {
                Some(rng.lognormal(plan.lag_median_ms, plan.lag_sigma) as f32)
            });
            out.typing_interval_ms.push(
                (!rng.chance(0.05))
                    .then(|| rng.lognormal(plan.typing_median_ms, plan.typing_sigma) as f32),
            );
            out.remote_tool.push(tool_seen);
            out.is_virtual_machine
                .push((!rng.chance(0.03)).then_some(vm));
            out.screen.push((!rng.chance(0.01)).then_some(screen));
            t += rng.range(MICROS_PER_MINUTE as u64 / 2, 10 * MICROS_PER_MINUTE as u64) as i64;
        }
    }
}
