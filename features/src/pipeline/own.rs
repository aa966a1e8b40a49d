//! Step one of a feature row: everything that depends on the application's own row, its own
//! telemetry and the reference tables, plus the keys and the resume signature the history
//! needs. The batch and single-application paths both call [`own_signals`].

use crate::history::documents::{ResumeSignature, ShingleScratch, resume_signature};
use crate::history::index::{ApplicationKeys, SampleKeys, fallback_identity};
use crate::history::keys::{EntityKeys, identity_key};
use crate::pipeline::record::Application;
use crate::reference::institutions::HighRiskInstitutions;
use crate::reference::ip_ranges::IpRangeTable;
use crate::signals::education::{EducationSignals, education_signals};
use crate::signals::email_name::{EmailNameSignals, email_name_signals};
use crate::signals::network::{NetworkSignals, network_signals};
use crate::signals::phone::{PhoneSignals, phone_signals};
use crate::signals::profile::{ProfileSignals, profile_signals};
use crate::signals::remote_control::{
    RemoteControlScratch, RemoteControlSignals, TelemetrySample, remote_control_signals,
};
use crate::signals::time::{TimeSignals, time_signals};

/// The reference tables of a data directory (`reference/`), shared read-only by every row.
#[derive(Debug, Clone)]
pub struct References {
    /// `reference/ip_ranges.csv`: who announces which addresses, and their kind and country.
    pub ip_ranges: IpRangeTable,
    /// `reference/high_risk_institutions.csv`: institutions tied to fraudulent credentials.
    pub institutions: HighRiskInstitutions,
    /// The two files' bytes as read, so a history snapshot can store exactly the tables it
    /// was built with.
    pub sources: ReferenceSources,
    /// Unique per parse (clones share it): what a per-thread memo of answers from these
    /// tables is keyed by, so a memo never outlives the tables it was filled from.
    pub(crate) generation: u64,
}

impl References {
    /// A fresh [`References::generation`].
    pub(crate) fn next_generation() -> u64 {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

/// The bytes of the reference files a [`References`] was parsed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferenceSources {
    /// `reference/ip_ranges.csv`.
    pub ip_ranges: std::sync::Arc<[u8]>,
    /// `reference/high_risk_institutions.csv`.
    pub institutions: std::sync::Arc<[u8]>,
}

/// How the claimed institution compares with the high-risk list.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InstitutionSignals {
    /// An institution was given (it normalises to something).
    pub present: bool,
    /// It matches a listed institution ([`HighRiskInstitutions::best_match`]).
    pub high_risk_match: bool,
    /// Highest similarity to any listed name or alias ([`HighRiskInstitutions::nearest`]).
    pub nearest_similarity: Option<f32>,
}

/// Signals from the application's own row and telemetry.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct OwnSignals {
    pub phone: PhoneSignals,
    pub email_name: EmailNameSignals,
    pub education: EducationSignals,
    pub institution: InstitutionSignals,
    pub profile: ProfileSignals,
    pub network: NetworkSignals,
    pub time: TimeSignals,
    pub remote_control: RemoteControlSignals,
}

/// Reusable buffers for [`own_signals`]; one per worker thread.
#[derive(Debug, Default)]
pub struct OwnScratch {
    remote_control: RemoteControlScratch,
    sample_keys: Vec<SampleKeys>,
    shingles: ShingleScratch,
    institutions: InstitutionMemo,
}

/// Institution signals by institution text as typed, for one generation of reference tables.
/// Institutions repeat (a few thousand distinct spellings among hundreds of thousands of
/// applications), and matching one against the high-risk list costs edit distances; the
/// answer is a pure function of the text and the tables, so a memo returns the same value.
#[derive(Debug, Default)]
struct InstitutionMemo {
    generation: Option<u64>,
    answers: std::collections::HashMap<Box<str>, InstitutionSignals, foldhash::fast::RandomState>,
}

impl InstitutionMemo {
    /// Entries kept at most; the memo starts over when full.
    const CAPACITY: usize = 1 << 16;

    fn signals(&mut self, text: &str, refs: &References) -> InstitutionSignals {
        if self.generation != Some(refs.generation) {
            self.answers.clear();
            self.generation = Some(refs.generation);
        }
        if let Some(&known) = self.answers.get(text) {
            return known;
        }
        let nearest = refs.institutions.nearest(text);
        let signals = InstitutionSignals {
            present: nearest.is_some(),
            high_risk_match: refs.institutions.best_match(text).is_some(),
            nearest_similarity: nearest.map(|s| s as f32),
        };
        if self.answers.len() >= Self::CAPACITY {
            self.answers.clear();
        }
        self.answers.insert(text.into(), signals);
        signals
    }
}

/// What [`own_signals`] returns: the signals and the history inputs.
#[derive(Debug, Clone)]
pub struct OwnRow {
    pub signals: OwnSignals,
    pub keys: ApplicationKeys,
    pub sample_keys: Vec<SampleKeys>,
    pub resume: Option<ResumeSignature>,
}

/// What the history reads of one telemetry sample: its time and its IP, IP-network and device
/// keys; `None` when it has none of them.
pub fn sample_keys(sample: &TelemetrySample<'_>) -> Option<SampleKeys> {
    let keys = EntityKeys::of_sample(sample.ip, sample.device_id);
    (keys != EntityKeys::default()).then_some(SampleKeys {
        event_at: sample.event_at_micros,
        keys: keys.into(),
    })
}

/// Step one for one application and its telemetry samples. Every family, the phone included,
/// takes no lock, so the batch path runs this on every worker thread.
pub fn own_signals(
    app: &Application<'_>,
    samples: &[TelemetrySample<'_>],
    refs: &References,
    scratch: &mut OwnScratch,
) -> OwnRow {
    let phone = phone_signals(app.phone, app.claimed_country, app.claimed_region);
    let institution = match app.institution {
        Some(text) => scratch.institutions.signals(text, refs),
        None => InstitutionSignals::default(),
    };
    let signals = OwnSignals {
        phone,
        email_name: email_name_signals(app.full_name, app.email, app.profile_url),
        education: education_signals(
            app.degree,
            app.major,
            app.graduation_year,
            app.years_experience,
            app.submitted_at,
        ),
        institution,
        profile: profile_signals(
            app.submitted_at,
            app.profile_created_at,
            app.profile_prev_activity_at,
            app.profile_recent_edits,
            app.profile_connections,
            app.years_experience,
        ),
        network: network_signals(app.ip, app.claimed_country, samples, &refs.ip_ranges),
        time: time_signals(
            app.submitted_at,
            app.browser_tz_offset_min,
            app.claimed_country,
            app.claimed_region,
            samples,
        ),
        remote_control: remote_control_signals(
            samples,
            app.browser_tz_offset_min,
            &mut scratch.remote_control,
        ),
    };
    let row = EntityKeys::of_application(
        app.shipping_address,
        app.ip,
        app.device_id,
        app.phone,
        phone.e164,
        app.email,
    );
    let identity = identity_key(app.email).unwrap_or_else(|| fallback_identity(app.application_id));
    let keys = ApplicationKeys {
        submitted_at: app.submitted_at,
        identity,
        row,
    };
    // Most samples of one application repeat its IP and device: keep the earliest sample of
    // each distinct key combination, which is all the history reads (first appearances). They
    // are gathered in the worker's buffer and copied out at their exact number: a vector grown
    // sample by sample keeps room for every sample (16 where 1 or 2 remain), and a batch run
    // holds one per application.
    let keys_of_samples = &mut scratch.sample_keys;
    keys_of_samples.clear();
    keys_of_samples.extend(samples.iter().filter_map(sample_keys));
    keys_of_samples.sort_unstable_by_key(|s| (s.keys, s.event_at));
    keys_of_samples.dedup_by(|later, first| later.keys == first.keys);
    let sample_keys = keys_of_samples.to_vec();
    let resume = app
        .resume_text
        .and_then(|text| resume_signature(text, &mut scratch.shingles));
    OwnRow {
        signals,
        keys,
        sample_keys,
        resume,
    }
}
