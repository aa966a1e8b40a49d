//! The feature catalog: every feature the pipeline computes, defined once: its name, family,
//! missing-value policy, description and how its value is read from a [`RowSignals`].
//!
//! The order of [`CATALOG`] is the column order of feature frames and model inputs; its
//! [`FeatureSet`] hash ties a model to this code. Values are `f32` (the model input type);
//! `NaN` is a missing value and appears only in features whose policy is
//! [`MissingPolicy::Informative`] (a test checks this over the sample).
//!
//! Conventions: a count over an application's telemetry is 0 without telemetry, while a share,
//! a quantile or a "seen" flag over it is missing; a history feature of a key kind the
//! application does not have (no shipping address, no public IP, …) is missing.
//!
//! Nothing here reads nationality, language, keyboard layout or a name as such: names appear
//! only through their consistency with the email and the profile link.

use std::sync::LazyLock;

use appfraud_core::{Family, FeatureDef, FeatureSet, IpKind, MissingPolicy};

use super::own::OwnSignals;
use crate::history::documents::DocumentMatches;
use crate::history::index::{HistorySignals, KeyStats, WINDOWS_DAYS};
use crate::history::keys::KeyKind;
use crate::signals::education::DegreeCategory;
use crate::signals::phone::PhoneStyle;

/// Everything one feature row is read from.
#[derive(Debug, Clone, Copy)]
pub struct RowSignals {
    /// Signals from the application's own row and telemetry.
    pub own: OwnSignals,
    /// What the shared-entity history says about the application at its `submitted_at`.
    pub history: HistorySignals,
    /// `None` when the application has no resume long enough to compare.
    pub documents: Option<DocumentMatches>,
}

type Reader = Box<dyn Fn(&RowSignals) -> f32 + Send + Sync>;

/// One catalog entry.
pub struct Feature {
    /// The feature's name, family, missing-value policy and description.
    pub def: FeatureDef,
    read: Reader,
}

impl Feature {
    /// The value of this feature in `row`.
    pub fn value(&self, row: &RowSignals) -> f32 {
        (self.read)(row)
    }
}

fn flag(b: bool) -> f32 {
    if b { 1.0 } else { 0.0 }
}

fn opt_flag(b: Option<bool>) -> f32 {
    b.map_or(f32::NAN, flag)
}

fn opt<T: Into<f64>>(v: Option<T>) -> f32 {
    v.map_or(f32::NAN, |v| v.into() as f32)
}

struct Builder(Vec<Feature>);

impl Builder {
    fn add(
        &mut self,
        name: impl Into<String>,
        family: Family,
        missing: MissingPolicy,
        description: impl Into<String>,
        read: impl Fn(&RowSignals) -> f32 + Send + Sync + 'static,
    ) {
        self.0.push(Feature {
            def: FeatureDef::new(name, family, missing, description),
            read: Box::new(read),
        });
    }
}

use MissingPolicy::{Informative as Opt, Never};

/// Telemetry-derived value that is missing without telemetry.
fn tel(r: &RowSignals, v: f32) -> f32 {
    if r.own.remote_control.sample_count == 0 {
        f32::NAN
    } else {
        v
    }
}

fn phone(b: &mut Builder) {
    let f = Family::Phone;
    b.add(
        "phone_present",
        f,
        Never,
        "A phone number was given.",
        |r| flag(r.own.phone.style != PhoneStyle::Absent),
    );
    b.add(
        "phone_valid",
        f,
        Opt,
        "The number is valid per libphonenumber for some region (missing without a phone).",
        |r| present_phone(r, r.own.phone.valid),
    );
    b.add(
        "phone_valid_for_claimed_country",
        f,
        Opt,
        "The number is valid in the claimed country of residence.",
        |r| present_phone(r, r.own.phone.valid_for_claimed),
    );
    b.add(
        "phone_region_differs",
        f,
        Opt,
        "The region the valid number belongs to differs from the claimed country.",
        |r| opt_flag(r.own.phone.number_region_differs),
    );
    b.add(
        "phone_calling_code_differs",
        f,
        Opt,
        "The number's calling code is not the claimed country's.",
        |r| opt_flag(r.own.phone.calling_code_differs),
    );
    b.add(
        "phone_area_code_matches_region",
        f,
        Opt,
        "A NANP area code belongs to the claimed state or province.",
        |r| opt_flag(r.own.phone.area_code_matches_region),
    );
    let styles: [(&str, PhoneStyle, &str); 7] = [
        (
            "phone_style_local_national",
            PhoneStyle::LocalNational,
            "national form with separators, as a local writes it",
        ),
        (
            "phone_style_plain_digits",
            PhoneStyle::PlainDigits,
            "national digits only",
        ),
        (
            "phone_style_international_plus",
            PhoneStyle::InternationalPlus,
            "'+' and the country code with separators",
        ),
        (
            "phone_style_e164_compact",
            PhoneStyle::E164Compact,
            "'+' and digits only",
        ),
        (
            "phone_style_double_zero",
            PhoneStyle::InternationalDoubleZero,
            "'00' instead of '+'",
        ),
        (
            "phone_style_leading_one_no_plus",
            PhoneStyle::LeadingOneNoPlus,
            "NANP '1' before ten digits without '+'",
        ),
        (
            "phone_style_other",
            PhoneStyle::Other,
            "not written as people write numbers (letters, unusual characters)",
        ),
    ];
    for (name, style, what) in styles {
        b.add(
            name,
            f,
            Opt,
            format!("The number is written as: {what}."),
            move |r| present_phone(r, r.own.phone.style == style),
        );
    }
    b.add(
        "phone_digit_count",
        f,
        Opt,
        "Digits in the number as typed.",
        |r| present_phone(r, true) * f32::from(r.own.phone.digit_count),
    );
}

fn present_phone(r: &RowSignals, v: bool) -> f32 {
    if r.own.phone.style == PhoneStyle::Absent {
        f32::NAN
    } else {
        flag(v)
    }
}

fn email_name(b: &mut Builder) {
    let f = Family::EmailAndName;
    b.add(
        "email_free_mail",
        f,
        Opt,
        "The email domain is a free-mail provider.",
        |r| opt_flag(r.own.email_name.free_mail_domain),
    );
    b.add(
        "email_local_digit_share",
        f,
        Opt,
        "Share of digits in the email's local part.",
        |r| opt(r.own.email_name.local_part_digit_share),
    );
    b.add(
        "name_email_similarity",
        f,
        Opt,
        "Similarity between the name and the email's local part (0-1).",
        |r| opt(r.own.email_name.name_email_similarity),
    );
    b.add(
        "profile_link_present",
        f,
        Never,
        "A professional profile link was given.",
        |r| flag(r.own.email_name.profile_link_present),
    );
    b.add(
        "name_profile_slug_similarity",
        f,
        Opt,
        "Similarity between the name and the profile link's slug (0-1).",
        |r| opt(r.own.email_name.name_slug_similarity),
    );
}

fn education(b: &mut Builder) {
    let f = Family::Education;
    b.add(
        "institution_high_risk_match",
        f,
        Opt,
        "The institution matches the high-risk list (case, punctuation, typos, aliases).",
        |r| {
            if r.own.institution.present {
                flag(r.own.institution.high_risk_match)
            } else {
                f32::NAN
            }
        },
    );
    b.add(
        "institution_high_risk_similarity",
        f,
        Opt,
        "Highest similarity of the institution to any high-risk name or alias (0-1).",
        |r| opt(r.own.institution.nearest_similarity),
    );
    for (name, cat) in [
        ("degree_missing", DegreeCategory::Missing),
        ("degree_bootcamp", DegreeCategory::Bootcamp),
        ("degree_bachelor", DegreeCategory::Bachelor),
        ("degree_master", DegreeCategory::Master),
        ("degree_doctorate", DegreeCategory::Doctorate),
    ] {
        b.add(
            name,
            f,
            Never,
            format!("The claimed degree is of this kind ({name})."),
            move |r| flag(r.own.education.degree_category == cat),
        );
    }
    b.add(
        "education_contradictory_claim",
        f,
        Opt,
        "Degree and major name contradictory levels.",
        |r| opt_flag(r.own.education.contradictory_claim),
    );
    b.add(
        "years_since_graduation",
        f,
        Opt,
        "Years between the graduation year and submission.",
        |r| opt(r.own.education.years_since_graduation.map(f64::from)),
    );
    b.add(
        "experience_before_graduation_years",
        f,
        Opt,
        "Claimed experience beyond the years since graduation.",
        |r| opt(r.own.education.experience_before_graduation_years),
    );
}

fn profile(b: &mut Builder) {
    let f = Family::Profile;
    b.add(
        "profile_age_days",
        f,
        Opt,
        "Days from profile creation to submission.",
        |r| opt(r.own.profile.profile_age_days),
    );
    b.add(
        "profile_new",
        f,
        Opt,
        "The profile was created shortly before submission.",
        |r| opt_flag(r.own.profile.new_profile),
    );
    b.add(
        "profile_dormancy_gap_days",
        f,
        Opt,
        "Days between the last activity before the dormant period and submission.",
        |r| opt(r.own.profile.dormancy_gap_days),
    );
    b.add(
        "profile_edits_after_dormancy",
        f,
        Opt,
        "Profile edits in the 30 days before submission after a dormant period (0 if active).",
        |r| opt(r.own.profile.edits_after_dormancy.map(f64::from)),
    );
    b.add(
        "profile_connections_per_experience_year",
        f,
        Opt,
        "Profile connections per claimed year of experience.",
        |r| opt(r.own.profile.connections_per_experience_year),
    );
}

fn network(b: &mut Builder) {
    let f = Family::Network;
    b.add(
        "ip_private_or_reserved",
        f,
        Opt,
        "The submission IP is private or reserved (missing when no valid IP).",
        |r| opt_flag(r.own.network.ip_private),
    );
    b.add(
        "ip_kind_known",
        f,
        Never,
        "The submission IP falls in a range of the reference file.",
        |r| flag(r.own.network.ip_kind.is_some()),
    );
    for kind in IpKind::ALL {
        b.add(
            format!("ip_kind_{}", kind.as_str()),
            f,
            Opt,
            format!(
                "The submission IP's longest-prefix range is of kind '{}'.",
                kind.as_str()
            ),
            move |r| r.own.network.ip_kind.map_or(f32::NAN, |k| flag(k == kind)),
        );
    }
    b.add(
        "ip_country_differs",
        f,
        Opt,
        "The submission IP's range country differs from the claimed country.",
        |r| opt_flag(r.own.network.ip_country_differs),
    );
    b.add(
        "telemetry_ip_countries",
        f,
        Never,
        "Distinct IP-range countries over the application's telemetry.",
        |r| r.own.network.tel_ip_countries_distinct as f32,
    );
    b.add(
        "telemetry_ip_country_differs_share",
        f,
        Opt,
        "Share of telemetry samples whose IP country differs from the claimed country.",
        |r| opt(r.own.network.tel_ip_country_differs_share),
    );
    b.add(
        "telemetry_anonymizing_ip_share",
        f,
        Opt,
        "Share of telemetry samples from hosting, VPN or proxy ranges.",
        |r| opt(r.own.network.tel_anonymizing_share),
    );
    b.add(
        "telemetry_ip_differs_from_submission_share",
        f,
        Opt,
        "Share of telemetry samples whose IP differs from the submission IP.",
        |r| opt(r.own.network.tel_ip_differs_from_app_share),
    );
}

fn time(b: &mut Builder) {
    let f = Family::Time;
    b.add(
        "browser_offset_distance_min",
        f,
        Opt,
        "Minutes between the browser's UTC offset and the nearest offset possible in the claimed country/region at submission (DST-aware).",
        |r| opt(r.own.time.browser_offset_distance_min),
    );
    b.add(
        "browser_offset_mismatch",
        f,
        Opt,
        "The browser's UTC offset is not possible in the claimed country/region at submission.",
        |r| opt_flag(r.own.time.browser_offset_mismatch),
    );
    b.add(
        "submission_local_hour",
        f,
        Opt,
        "Hour of submission in claimed-local time.",
        |r| opt(r.own.time.submission_local_hour),
    );
    b.add(
        "submission_local_night",
        f,
        Opt,
        "Submitted between 00:00 and 06:00 claimed-local time.",
        |r| opt_flag(r.own.time.submission_local_night),
    );
    b.add(
        "telemetry_offset_mismatch_share",
        f,
        Opt,
        "Share of telemetry samples whose UTC offset is impossible in the claimed country/region at that time.",
        |r| opt(r.own.time.tel_offset_mismatch_share),
    );
    b.add(
        "telemetry_offset_max_distance_min",
        f,
        Opt,
        "Largest distance (minutes) of a telemetry UTC offset from the possible ones.",
        |r| opt(r.own.time.tel_offset_max_distance_min),
    );
    b.add(
        "telemetry_local_night_share",
        f,
        Opt,
        "Share of telemetry samples taken between 00:00 and 06:00 claimed-local time.",
        |r| opt(r.own.time.tel_local_night_share),
    );
}

fn remote_control(b: &mut Builder) {
    let f = Family::RemoteControl;
    b.add(
        "telemetry_samples",
        f,
        Never,
        "Telemetry samples of the application.",
        |r| r.own.remote_control.sample_count as f32,
    );
    b.add(
        "telemetry_sessions",
        f,
        Never,
        "Distinct telemetry sessions of the application.",
        |r| r.own.remote_control.session_count as f32,
    );
    b.add(
        "input_lag_median_ms",
        f,
        Opt,
        "Median keystroke-to-delivery latency.",
        |r| opt(r.own.remote_control.input_lag_median_ms),
    );
    b.add(
        "input_lag_p90_ms",
        f,
        Opt,
        "90th percentile of input latency.",
        |r| opt(r.own.remote_control.input_lag_p90_ms),
    );
    b.add(
        "input_lag_share_over_50ms",
        f,
        Opt,
        "Share of samples with input latency above 50 ms.",
        |r| opt(r.own.remote_control.input_lag_share_over_50ms),
    );
    b.add(
        "input_lag_share_over_110ms",
        f,
        Opt,
        "Share of samples with input latency above 110 ms.",
        |r| opt(r.own.remote_control.input_lag_share_over_110ms),
    );
    b.add(
        "typing_interval_median_ms",
        f,
        Opt,
        "Median of the per-sample median keystroke intervals.",
        |r| opt(r.own.remote_control.typing_interval_median_ms),
    );
    b.add(
        "typing_interval_p10_ms",
        f,
        Opt,
        "10th percentile of keystroke intervals.",
        |r| opt(r.own.remote_control.typing_interval_p10_ms),
    );
    b.add(
        "typing_burstiness",
        f,
        Opt,
        "Goh-Barabasi burstiness of keystroke intervals (-1 regular, 1 bursty).",
        |r| opt(r.own.remote_control.typing_burstiness),
    );
    b.add(
        "typing_share_under_40ms",
        f,
        Opt,
        "Share of keystroke intervals under 40 ms (pasted or scripted input).",
        |r| opt(r.own.remote_control.typing_share_under_40ms),
    );
    type Pick = fn(&RowSignals) -> bool;
    let tools: [(&str, &str, Pick); 5] = [
        ("remote_tool_seen", "any remote-access tool", |r| {
            r.own.remote_control.remote_tool_seen
        }),
        (
            "remote_tool_software",
            "consumer remote-desktop software",
            |r| r.own.remote_control.remote_tool_software,
        ),
        (
            "remote_tool_corporate",
            "a corporate remote-access tool (RDP, VDI clients)",
            |r| r.own.remote_control.remote_tool_corporate,
        ),
        (
            "remote_tool_hardware_kvm",
            "a hardware KVM-over-IP device",
            |r| r.own.remote_control.remote_tool_hardware_kvm,
        ),
        ("remote_tool_other", "another remote-access tool", |r| {
            r.own.remote_control.remote_tool_other
        }),
    ];
    for (name, what, pick) in tools {
        b.add(
            name,
            f,
            Opt,
            format!("Telemetry detected {what} (missing without telemetry)."),
            move |r| tel(r, flag(pick(r))),
        );
    }
    b.add(
        "remote_tools_distinct",
        f,
        Never,
        "Distinct remote-access tools detected.",
        |r| r.own.remote_control.remote_tool_distinct as f32,
    );
    b.add(
        "virtual_machine_share",
        f,
        Opt,
        "Share of samples that ran in a virtual machine.",
        |r| opt(r.own.remote_control.virtual_machine_share),
    );
    b.add(
        "unusual_screen_share",
        f,
        Opt,
        "Share of samples with an unusual screen size (KVM capture sizes and the like).",
        |r| opt(r.own.remote_control.unusual_screen_share),
    );
    b.add(
        "telemetry_ips",
        f,
        Never,
        "Distinct IPs over the application's telemetry.",
        |r| r.own.remote_control.ip_distinct as f32,
    );
    b.add(
        "telemetry_ipv4_networks",
        f,
        Never,
        "Distinct IPv4 /24 networks over the application's telemetry.",
        |r| r.own.remote_control.ipv4_24_distinct as f32,
    );
    b.add(
        "telemetry_devices",
        f,
        Never,
        "Distinct devices over the application's telemetry.",
        |r| r.own.remote_control.device_distinct as f32,
    );
    b.add(
        "telemetry_tz_offsets",
        f,
        Never,
        "Distinct UTC offsets over the application's telemetry.",
        |r| r.own.remote_control.tz_offset_distinct as f32,
    );
    b.add(
        "telemetry_offset_differs_from_browser_share",
        f,
        Opt,
        "Share of telemetry samples whose UTC offset differs from the browser's at submission.",
        |r| opt(r.own.remote_control.tz_offset_mismatch_share),
    );
    b.add(
        "telemetry_offset_max_diff_from_browser_min",
        f,
        Opt,
        "Largest difference (minutes) between a telemetry UTC offset and the browser's.",
        |r| opt(r.own.remote_control.tz_offset_max_abs_diff_min),
    );
}

fn key_stat(r: &RowSignals, kind: KeyKind, read: impl Fn(&KeyStats) -> u32) -> f32 {
    let s = &r.history.by_kind[kind.index()];
    if s.present { read(s) as f32 } else { f32::NAN }
}

fn window_index(days: i64) -> usize {
    WINDOWS_DAYS.iter().position(|d| *d == days).unwrap_or(0)
}

fn shared_entities(b: &mut Builder) {
    let f = Family::SharedEntities;
    for kind in KeyKind::ALL {
        let k = kind.as_str();
        let what = match kind {
            KeyKind::Address => "normalised shipping address",
            KeyKind::Ip => "public IP (submission or telemetry)",
            KeyKind::IpNetwork => "IP network (/24 or /48)",
            KeyKind::Device => "device (submission or telemetry)",
            KeyKind::Phone => "phone number",
            KeyKind::Email => "normalised email",
        };
        for days in [30, 365] {
            let w = window_index(days);
            b.add(
                format!("shared_{k}_apps_{days}d"),
                f,
                Opt,
                format!("Earlier applications (last {days} days) sharing the {what}."),
                move |r| key_stat(r, kind, |s| s.apps_in_window[w]),
            );
        }
        if kind != KeyKind::Email {
            b.add(
                format!("shared_{k}_identities"),
                f,
                Opt,
                format!("Distinct other identities (emails) among earlier applications sharing the {what}."),
                move |r| key_stat(r, kind, |s| s.other_identities_before),
            );
        }
        b.add(
            format!("shared_{k}_known_fraud"),
            f,
            Opt,
            format!("Earlier applications sharing the {what} with a fraud label known before submission."),
            move |r| key_stat(r, kind, |s| s.fraud_known),
        );
    }
    b.add(
        "linked_component_size",
        f,
        Never,
        "Applications in the component linked by shared address, device, phone or email before submission, itself included.",
        |r| r.history.component_size as f32,
    );
}

fn documents(b: &mut Builder) {
    let f = Family::Documents;
    b.add(
        "resume_near_duplicate_identities",
        f,
        Opt,
        "Distinct other identities that submitted a near-duplicate resume earlier (MinHash).",
        |r| {
            r.documents
                .map_or(f32::NAN, |d| d.near_duplicate_identities as f32)
        },
    );
    b.add(
        "resume_max_similarity",
        f,
        Opt,
        "Highest estimated Jaccard similarity to an earlier resume of another identity (0 when none is alike).",
        |r| match r.documents {
            Some(d) => d.max_similarity.unwrap_or(0.0),
            None => f32::NAN,
        },
    );
}

fn velocity(b: &mut Builder) {
    let f = Family::Velocity;
    for kind in [KeyKind::Email, KeyKind::Device, KeyKind::Address] {
        let k = match kind {
            KeyKind::Email => "identity",
            other => other.as_str(),
        };
        for (label, days) in [("24h", 1), ("7d", 7)] {
            let w = window_index(days);
            b.add(
                format!("velocity_{k}_apps_{label}"),
                f,
                Opt,
                format!("Earlier applications from the same {k} in the last {label}."),
                move |r| key_stat(r, kind, |s| s.apps_in_window[w]),
            );
        }
    }
}

/// The catalog, in feature order.
pub static CATALOG: LazyLock<Vec<Feature>> = LazyLock::new(|| {
    let mut b = Builder(Vec::new());
    phone(&mut b);
    email_name(&mut b);
    education(&mut b);
    profile(&mut b);
    network(&mut b);
    time(&mut b);
    remote_control(&mut b);
    shared_entities(&mut b);
    documents(&mut b);
    velocity(&mut b);
    b.0
});

/// The pipeline's [`FeatureSet`], in [`CATALOG`] order.
pub fn feature_set() -> FeatureSet {
    FeatureSet::new(CATALOG.iter().map(|f| f.def.clone()).collect())
        .expect("catalog names are unique and well-formed (checked by a unit test)")
}

/// Writes the features of `row` into `out` (length = catalog length), in catalog order.
pub fn write_row(row: &RowSignals, out: &mut [f32]) {
    for (slot, feature) in out.iter_mut().zip(CATALOG.iter()) {
        *slot = feature.value(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_a_valid_feature_set_in_family_order() {
        let set = feature_set();
        assert_eq!(set.len(), CATALOG.len());
        let families: Vec<Family> = set.features().iter().map(|f| f.family).collect();
        let mut sorted = families.clone();
        sorted.sort();
        assert_eq!(
            families, sorted,
            "features are grouped by family in Family order"
        );
        for f in set.features() {
            assert!(
                f.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{} is not snake_case",
                f.name
            );
            assert!(f.description.ends_with('.'), "{}: one sentence", f.name);
        }
    }

    #[test]
    fn no_feature_is_about_who_someone_is() {
        // Fairness by construction (docs/signals.md): nationality, language, fluency, keyboard
        // layout and names as such are not features. Names appear only in consistency checks
        // (similarity to the email or the profile slug).
        for f in feature_set().features() {
            for word in [
                "nationality",
                "citizen",
                "language",
                "fluency",
                "grammar",
                "keyboard",
                "layout",
                "ethnic",
                "photo",
            ] {
                assert!(!f.name.contains(word), "{}", f.name);
            }
            if f.name.contains("name") {
                assert!(f.name.contains("similarity"), "{}", f.name);
            }
        }
    }
}
