//! The generator's in-memory records: one [`AppRecord`] per application, carrying what is
//! written to `applications.parquet`, the hidden truth, the label outcome and the plan from
//! which its telemetry is drawn.

use chrono_tz::Tz;

/// Which scheme produced an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// A legitimate applicant.
    Legitimate,
    /// An identity run by a laptop farm.
    LaptopFarm,
    /// A lone operative using a stolen identity.
    StolenIdentity,
}

impl Scheme {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Legitimate => "legitimate",
            Scheme::LaptopFarm => "laptop_farm",
            Scheme::StolenIdentity => "stolen_identity",
        }
    }
}

/// How a fraudulent applicant's machine is controlled during sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Control {
    /// The applicant types on the machine in front of them.
    Local,
    /// Remote-desktop software (AnyDesk, TeamViewer, ...): adds a round trip to every keystroke.
    Software,
    /// A hardware KVM-over-IP device (PiKVM, TinyPilot): invisible to the machine, no added lag,
    /// but keystrokes arrive in network-paced bursts and the capture device reports odd screens.
    HardwareKvm,
}

impl Control {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Control::Local => "local",
            Control::Software => "software",
            Control::HardwareKvm => "hardware_kvm",
        }
    }
}

/// What really happened behind one application (never written to the data directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    /// Whether the application is fraudulent.
    pub is_fraud: bool,
    /// The scheme that produced it.
    pub scheme: Scheme,
    /// Actor: household (legitimate), farm or lone operative; unique across schemes.
    pub actor: u64,
    /// Identity (one person, real or stolen) within the actor; unique across the data set.
    pub identity: u64,
    /// A stealth variant: shows almost none of the per-row tells.
    pub stealth: bool,
    /// How sessions were controlled.
    pub control: Control,
}

/// Where the browser's reported UTC offset comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Clock {
    /// The offset of this IANA zone at the instant (with daylight-saving time).
    Zone(Tz),
    /// A fixed offset in minutes (privacy browsers report 0).
    Fixed(i32),
}

/// How an application's telemetry is drawn.
#[derive(Debug, Clone)]
pub(crate) struct SessionPlan {
    pub key: u64,
    pub sessions: u8,
    /// Session source IPs: the first is used unless an alternate is drawn.
    pub ips: Vec<String>,
    pub alt_ip_p: f64,
    pub device: Option<String>,
    pub alt_device: Option<String>,
    pub alt_device_p: f64,
    pub clock: Clock,
    /// A second clock that appears in some sessions (operator's own machine, travel).
    pub leak_clock: Option<Clock>,
    pub leak_p: f64,
    /// Zone whose working hours the later sessions fall in.
    pub activity_zone: Tz,
    pub lag_median_ms: f64,
    pub lag_sigma: f64,
    pub typing_median_ms: f64,
    pub typing_sigma: f64,
    pub tool: Option<&'static str>,
    pub tool_p: f64,
    pub vm_p: f64,
    pub screen: &'static str,
    pub odd_screen_p: f64,
}

/// One application before ids are assigned.
#[derive(Debug, Clone)]
pub(crate) struct AppRecord {
    pub submitted_at: i64,
    pub tiebreak: u64,
    pub job_id: String,
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub claimed_country: &'static str,
    pub claimed_region: Option<String>,
    pub claimed_city: Option<String>,
    pub shipping_address: Option<String>,
    pub ip: Option<String>,
    pub device_id: Option<String>,
    pub user_agent: Option<&'static str>,
    pub browser_tz_offset_min: Option<i32>,
    pub profile_url: Option<String>,
    pub profile_created_at: Option<i64>,
    pub profile_prev_activity_at: Option<i64>,
    pub profile_recent_edits: Option<i32>,
    pub profile_connections: Option<i32>,
    pub institution: Option<String>,
    pub degree: Option<&'static str>,
    pub major: Option<&'static str>,
    pub graduation_year: Option<i32>,
    pub years_experience: Option<f32>,
    pub resume_text: Option<String>,
    pub truth: Truth,
    /// Investigation outcome and when it became known, if the application was ever labeled.
    pub label: Option<(bool, i64)>,
    pub sessions: SessionPlan,
}
