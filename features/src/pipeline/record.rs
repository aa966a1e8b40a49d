//! One application and its telemetry as plain Rust values: what the single-application path
//! takes, and what the batch path reads out of its frames row by row.

use crate::parse_ip;
use crate::signals::remote_control::TelemetrySample;

/// One application, borrowed, with every `docs/input-contract.md` column (timestamps in
/// microseconds since the Unix epoch, UTC). The batch path builds these from its frames; the
/// single-application path from an [`ApplicationRecord`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Application<'a> {
    /// Identifies the application; unique among applications.
    pub application_id: &'a str,
    /// When the application was sent (µs since the Unix epoch, UTC); its point in time.
    pub submitted_at: i64,
    /// The requisition applied for.
    pub job_id: &'a str,
    /// The applicant's name as typed.
    pub full_name: &'a str,
    /// The applicant's email as typed.
    pub email: &'a str,
    /// The phone number as typed, formatting included.
    pub phone: Option<&'a str>,
    /// Claimed country of residence, ISO 3166-1 alpha-2 (`US`).
    pub claimed_country: &'a str,
    /// Claimed state or province, as typed.
    pub claimed_region: Option<&'a str>,
    /// Claimed city, as typed.
    pub claimed_city: Option<&'a str>,
    /// Where company equipment would go, as typed.
    pub shipping_address: Option<&'a str>,
    /// The IPv4 or IPv6 address the form came from.
    pub ip: Option<&'a str>,
    /// Hash of the device fingerprint at submission.
    pub device_id: Option<&'a str>,
    /// The browser's user-agent string.
    pub user_agent: Option<&'a str>,
    /// The browser's UTC offset in minutes at submission (east positive: UTC−5 is -300).
    pub browser_tz_offset_min: Option<i32>,
    /// Link to the applicant's professional-network profile.
    pub profile_url: Option<&'a str>,
    /// When that profile was created (µs since the Unix epoch, UTC).
    pub profile_created_at: Option<i64>,
    /// The profile's last activity before the 30 days preceding submission (µs since the Unix
    /// epoch, UTC); `None` when it was active all along.
    pub profile_prev_activity_at: Option<i64>,
    /// Edits to the profile during the 30 days before submission.
    pub profile_recent_edits: Option<i32>,
    /// The profile's connections at submission.
    pub profile_connections: Option<i32>,
    /// Where the highest degree was earned, as typed.
    pub institution: Option<&'a str>,
    /// The degree (`BSc`, `MSc`, `PhD`, `Bootcamp`, …).
    pub degree: Option<&'a str>,
    /// Field of study, as typed.
    pub major: Option<&'a str>,
    /// Year of the highest degree.
    pub graduation_year: Option<i32>,
    /// Professional experience the applicant claims, in years.
    pub years_experience: Option<f32>,
    /// The resume summary or cover letter.
    pub resume_text: Option<&'a str>,
}

/// One application, owned: what an embedding service hands to
/// [`crate::HistorySnapshot::features`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplicationRecord {
    /// Identifies the application; unique among applications.
    pub application_id: String,
    /// When the application was sent (µs since the Unix epoch, UTC); its point in time.
    pub submitted_at: i64,
    /// The requisition applied for.
    pub job_id: String,
    /// The applicant's name as typed.
    pub full_name: String,
    /// The applicant's email as typed.
    pub email: String,
    /// The phone number as typed, formatting included.
    pub phone: Option<String>,
    /// Claimed country of residence, ISO 3166-1 alpha-2 (`US`).
    pub claimed_country: String,
    /// Claimed state or province, as typed.
    pub claimed_region: Option<String>,
    /// Claimed city, as typed.
    pub claimed_city: Option<String>,
    /// Where company equipment would go, as typed.
    pub shipping_address: Option<String>,
    /// The IPv4 or IPv6 address the form came from.
    pub ip: Option<String>,
    /// Hash of the device fingerprint at submission.
    pub device_id: Option<String>,
    /// The browser's user-agent string.
    pub user_agent: Option<String>,
    /// The browser's UTC offset in minutes at submission (east positive: UTC−5 is -300).
    pub browser_tz_offset_min: Option<i32>,
    /// Link to the applicant's professional-network profile.
    pub profile_url: Option<String>,
    /// When that profile was created (µs since the Unix epoch, UTC).
    pub profile_created_at: Option<i64>,
    /// The profile's last activity before the 30 days preceding submission (µs since the Unix
    /// epoch, UTC); `None` when it was active all along.
    pub profile_prev_activity_at: Option<i64>,
    /// Edits to the profile during the 30 days before submission.
    pub profile_recent_edits: Option<i32>,
    /// The profile's connections at submission.
    pub profile_connections: Option<i32>,
    /// Where the highest degree was earned, as typed.
    pub institution: Option<String>,
    /// The degree (`BSc`, `MSc`, `PhD`, `Bootcamp`, …).
    pub degree: Option<String>,
    /// Field of study, as typed.
    pub major: Option<String>,
    /// Year of the highest degree.
    pub graduation_year: Option<i32>,
    /// Professional experience the applicant claims, in years.
    pub years_experience: Option<f32>,
    /// The resume summary or cover letter.
    pub resume_text: Option<String>,
}

impl ApplicationRecord {
    /// The borrowed view the feature code reads.
    pub fn view(&self) -> Application<'_> {
        Application {
            application_id: &self.application_id,
            submitted_at: self.submitted_at,
            job_id: &self.job_id,
            full_name: &self.full_name,
            email: &self.email,
            phone: self.phone.as_deref(),
            claimed_country: &self.claimed_country,
            claimed_region: self.claimed_region.as_deref(),
            claimed_city: self.claimed_city.as_deref(),
            shipping_address: self.shipping_address.as_deref(),
            ip: self.ip.as_deref(),
            device_id: self.device_id.as_deref(),
            user_agent: self.user_agent.as_deref(),
            browser_tz_offset_min: self.browser_tz_offset_min,
            profile_url: self.profile_url.as_deref(),
            profile_created_at: self.profile_created_at,
            profile_prev_activity_at: self.profile_prev_activity_at,
            profile_recent_edits: self.profile_recent_edits,
            profile_connections: self.profile_connections,
            institution: self.institution.as_deref(),
            degree: self.degree.as_deref(),
            major: self.major.as_deref(),
            graduation_year: self.graduation_year,
            years_experience: self.years_experience,
            resume_text: self.resume_text.as_deref(),
        }
    }
}

impl From<Application<'_>> for ApplicationRecord {
    fn from(a: Application<'_>) -> Self {
        let own = |s: Option<&str>| s.map(str::to_owned);
        ApplicationRecord {
            application_id: a.application_id.to_owned(),
            submitted_at: a.submitted_at,
            job_id: a.job_id.to_owned(),
            full_name: a.full_name.to_owned(),
            email: a.email.to_owned(),
            phone: own(a.phone),
            claimed_country: a.claimed_country.to_owned(),
            claimed_region: own(a.claimed_region),
            claimed_city: own(a.claimed_city),
            shipping_address: own(a.shipping_address),
            ip: own(a.ip),
            device_id: own(a.device_id),
            user_agent: own(a.user_agent),
            browser_tz_offset_min: a.browser_tz_offset_min,
            profile_url: own(a.profile_url),
            profile_created_at: a.profile_created_at,
            profile_prev_activity_at: a.profile_prev_activity_at,
            profile_recent_edits: a.profile_recent_edits,
            profile_connections: a.profile_connections,
            institution: own(a.institution),
            degree: own(a.degree),
            major: own(a.major),
            graduation_year: a.graduation_year,
            years_experience: a.years_experience,
            resume_text: own(a.resume_text),
        }
    }
}

/// One telemetry sample, owned (the `application_id` is implied by where it is passed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TelemetryRecord {
    /// The browser or assessment session the sample belongs to.
    pub session_id: String,
    /// When the sample was taken (µs since the Unix epoch, UTC).
    pub event_at: i64,
    /// The session's source address.
    pub ip: Option<String>,
    /// Hash of the device fingerprint.
    pub device_id: Option<String>,
    /// The operating system's or browser's UTC offset in minutes.
    pub tz_offset_min: Option<i32>,
    /// Delay from keystroke to delivery in this sample, in milliseconds.
    pub input_lag_ms: Option<f32>,
    /// Median time between keystrokes in this sample, in milliseconds.
    pub typing_interval_ms: Option<f32>,
    /// The remote-access tool detected, lower case (`anydesk`); `None` when none was.
    pub remote_tool: Option<String>,
    /// Whether the session ran in a virtual machine.
    pub is_virtual_machine: Option<bool>,
    /// Screen resolution, `WIDTHxHEIGHT` (`1920x1080`).
    pub screen: Option<String>,
}

impl TelemetryRecord {
    /// The borrowed view the feature code reads.
    pub fn view(&self) -> TelemetrySample<'_> {
        TelemetrySample {
            session_id: &self.session_id,
            event_at_micros: self.event_at,
            ip: self.ip.as_deref().and_then(parse_ip),
            device_id: self.device_id.as_deref(),
            tz_offset_min: self.tz_offset_min,
            input_lag_ms: self.input_lag_ms,
            typing_interval_ms: self.typing_interval_ms,
            remote_tool: self.remote_tool.as_deref(),
            is_virtual_machine: self.is_virtual_machine,
            screen: self.screen.as_deref(),
        }
    }
}

impl From<TelemetrySample<'_>> for TelemetryRecord {
    fn from(s: TelemetrySample<'_>) -> Self {
        TelemetryRecord {
            session_id: s.session_id.to_owned(),
            event_at: s.event_at_micros,
            ip: s.ip.map(|ip| ip.to_string()),
            device_id: s.device_id.map(str::to_owned),
            tz_offset_min: s.tz_offset_min,
            input_lag_ms: s.input_lag_ms,
            typing_interval_ms: s.typing_interval_ms,
            remote_tool: s.remote_tool.map(str::to_owned),
            is_virtual_machine: s.is_virtual_machine,
            screen: s.screen.map(str::to_owned),
        }
    }
}
