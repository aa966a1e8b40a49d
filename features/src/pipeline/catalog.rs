//! The feature catalog: every feature the pipeline computes, defined once: its name, family,
//! missing-value policy, description, the sentence a reviewer reads for a value of it
//! ([`Sentence`], see [`Feature::sentence`]) and how its value is read from a [`RowSignals`].
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
//! only through their consistency with the email and the profile link. The sentences hold
//! fixed text and the feature's value only, describe evidence rather than a verdict, and say
//! nothing about who someone is.

use std::sync::LazyLock;

use appfraud_core::{Family, FeatureDef, FeatureSet, IpKind, MissingPolicy};

use super::own::OwnSignals;
use super::sentence::{self, Unit};
pub use super::sentence::{Sentence, generic_sentence};
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
    sentence: Sentence,
    read: Reader,
}

impl std::fmt::Debug for Feature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feature")
            .field("def", &self.def)
            .finish_non_exhaustive()
    }
}

impl Feature {
    /// The value of this feature in `row`.
    pub fn value(&self, row: &RowSignals) -> f32 {
        (self.read)(row)
    }

    /// The sentence a reviewer reads for `value` of this feature (`NaN` = missing): plain
    /// English, true for the value, with the number formatted for people and no personal data
    /// (see [`Sentence`]). A value the feature cannot take (a flag other than 0 or 1, a
    /// fractional count, an infinite value) gets [`generic_sentence`]. Never empty.
    pub fn sentence(&self, value: f32) -> String {
        self.sentence
            .render(value)
            .unwrap_or_else(|| generic_sentence(&self.def.name, value))
    }
}

/// The catalog entry a model input stands for: the feature named `name` when the input's
/// family and missing-value policy (their `as_str` spellings, as a model manifest lists them)
/// are the catalog's too; `None` for any other input (a column of a table trained on as it is,
/// whose family is `generic`).
pub fn lookup(name: &str, family: &str, missing: &str) -> Option<&'static Feature> {
    CATALOG.iter().find(|f| {
        f.def.name == name && f.def.family.as_str() == family && f.def.missing.as_str() == missing
    })
}

/// The sentence a reviewer reads for `value` of the model input `name`: the catalog's
/// ([`Feature::sentence`]) when `entry` is the input's catalog entry ([`lookup`]), else
/// [`generic_sentence`] naming the input and its value. Never empty.
pub fn reason_sentence(entry: Option<&Feature>, name: &str, value: f32) -> String {
    match entry {
        Some(feature) => feature.sentence(value),
        None => generic_sentence(name, value),
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
        sentence: Sentence,
        read: impl Fn(&RowSignals) -> f32 + Send + Sync + 'static,
    ) {
        self.0.push(Feature {
            def: FeatureDef::new(name, family, missing, description),
            sentence,
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
        Sentence::flag(
            "a phone number was given",
            "no phone number was given",
            "whether a phone number was given is not recorded",
        ),
        |r| flag(r.own.phone.style != PhoneStyle::Absent),
    );
    b.add(
        "phone_valid",
        f,
        Opt,
        "The number is valid per libphonenumber for some region (missing without a phone).",
        Sentence::flag(
            "the phone number is a valid number",
            "the phone number is not a valid number in any country",
            NO_PHONE,
        ),
        |r| present_phone(r, r.own.phone.valid),
    );
    b.add(
        "phone_valid_for_claimed_country",
        f,
        Opt,
        "The number is valid in the claimed country of residence.",
        Sentence::flag(
            "the phone number is valid in the claimed country of residence",
            "the phone number is not valid in the claimed country of residence",
            NO_PHONE,
        ),
        |r| present_phone(r, r.own.phone.valid_for_claimed),
    );
    b.add(
        "phone_region_differs",
        f,
        Opt,
        "The region the valid number belongs to differs from the claimed country.",
        Sentence::flag(
            "the phone number belongs to another country than the claimed one",
            "the phone number belongs to the claimed country",
            "the phone number could not be placed in a country (no number given, not valid, or the claimed country unknown)",
        ),
        |r| opt_flag(r.own.phone.number_region_differs),
    );
    b.add(
        "phone_calling_code_differs",
        f,
        Opt,
        "The number's calling code is not the claimed country's.",
        Sentence::flag(
            "the phone number's country calling code is not the claimed country's",
            "the phone number's country calling code is the claimed country's",
            "the phone number's calling code could not be compared with the claimed country (no number given, unreadable, or the claimed country unknown)",
        ),
        |r| opt_flag(r.own.phone.calling_code_differs),
    );
    b.add(
        "phone_area_code_matches_region",
        f,
        Opt,
        "A NANP area code belongs to the claimed state or province.",
        Sentence::flag(
            "the phone number's area code belongs to the claimed state or province",
            "the phone number's area code belongs to another state or province than the claimed one",
            "the phone number's area code could not be compared with a claimed US state or Canadian province",
        ),
        |r| opt_flag(r.own.phone.area_code_matches_region),
    );
    // (name, style, what the description says, how the sentences say it)
    let styles: [(&str, PhoneStyle, &str, &str); 6] = [
        (
            "phone_style_local_national",
            PhoneStyle::LocalNational,
            "national form with separators, as a local writes it",
            "in national form with separators, as locals write it",
        ),
        (
            "phone_style_plain_digits",
            PhoneStyle::PlainDigits,
            "national digits only",
            "as national digits only",
        ),
        (
            "phone_style_international_plus",
            PhoneStyle::InternationalPlus,
            "'+' and the country code with separators",
            "with '+' and the country code, with separators",
        ),
        (
            "phone_style_e164_compact",
            PhoneStyle::E164Compact,
            "'+' and digits only",
            "as '+' and digits only",
        ),
        (
            "phone_style_double_zero",
            PhoneStyle::InternationalDoubleZero,
            "'00' instead of '+'",
            "with '00' instead of '+'",
        ),
        (
            "phone_style_leading_one_no_plus",
            PhoneStyle::LeadingOneNoPlus,
            "NANP '1' before ten digits without '+'",
            "with the North American '1' before ten digits but no '+'",
        ),
    ];
    for (name, style, what, how) in styles {
        b.add(
            name,
            f,
            Opt,
            format!("The number is written as: {what}."),
            Sentence::flag(
                format!("the phone number is written {how}"),
                format!("the phone number is not written {how}"),
                NO_PHONE,
            ),
            move |r| present_phone(r, r.own.phone.style == style),
        );
    }
    b.add(
        "phone_style_other",
        f,
        Opt,
        "The number is written as: not written as people write numbers (letters, unusual characters).",
        Sentence::flag(
            "the phone number is not written as people write numbers (letters or unusual characters)",
            "the phone number is written as people write numbers",
            NO_PHONE,
        ),
        |r| present_phone(r, r.own.phone.style == PhoneStyle::Other),
    );
    b.add(
        "phone_digit_count",
        f,
        Opt,
        "Digits in the number as typed.",
        Sentence::count(
            "the phone number as typed has no digits",
            "the phone number as typed has 1 digit",
            "the phone number as typed has {} digits",
            NO_PHONE,
        ),
        |r| present_phone(r, true) * f32::from(r.own.phone.digit_count),
    );
}

/// The sentence of a phone feature without a phone.
const NO_PHONE: &str = "no phone number was given";

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
        Sentence::flag(
            "the email address is at a free-mail provider",
            "the email address is not at a free-mail provider",
            NO_EMAIL,
        ),
        |r| opt_flag(r.own.email_name.free_mail_domain),
    );
    b.add(
        "email_local_digit_share",
        f,
        Opt,
        "Share of digits in the email's local part.",
        Sentence::share(
            "{} of the characters before the @ of the email address are digits",
            NO_EMAIL,
        )
        .or_zero("the part of the email address before the @ has no digits"),
        |r| opt(r.own.email_name.local_part_digit_share),
    );
    b.add(
        "name_email_similarity",
        f,
        Opt,
        "Similarity between the name and the email's local part (0-1).",
        Sentence::share(
            "the email address spells the applicant's name with {} similarity (100% is an exact spelling)",
            "the email address could not be compared with the applicant's name",
        ),
        |r| opt(r.own.email_name.name_email_similarity),
    );
    b.add(
        "profile_link_present",
        f,
        Never,
        "A professional profile link was given.",
        Sentence::flag(
            "a professional profile link was given",
            "no professional profile link was given",
            "whether a professional profile link was given is not recorded",
        ),
        |r| flag(r.own.email_name.profile_link_present),
    );
    b.add(
        "name_profile_slug_similarity",
        f,
        Opt,
        "Similarity between the name and the profile link's slug (0-1).",
        Sentence::share(
            "the professional profile link spells the applicant's name with {} similarity (100% is an exact spelling)",
            "the professional profile link could not be compared with the applicant's name",
        ),
        |r| opt(r.own.email_name.name_slug_similarity),
    );
}

/// The sentence of an email feature without a readable address.
const NO_EMAIL: &str = "the email address could not be read";

fn education(b: &mut Builder) {
    let f = Family::Education;
    b.add(
        "institution_high_risk_match",
        f,
        Opt,
        "The institution matches the high-risk list (case, punctuation, typos, aliases).",
        Sentence::flag(
            "the claimed institution matches the list of high-risk institutions",
            "the claimed institution does not match the list of high-risk institutions",
            NO_INSTITUTION,
        ),
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
        Sentence::share(
            "the claimed institution's name is {} similar to a name on the list of high-risk institutions",
            NO_INSTITUTION,
        ),
        |r| opt(r.own.institution.nearest_similarity),
    );
    b.add(
        "degree_missing",
        f,
        Never,
        "The claimed degree is of this kind (degree_missing).",
        Sentence::flag(
            "no degree was given",
            "a degree was given",
            "whether a degree was given is not recorded",
        ),
        |r| flag(r.own.education.degree_category == DegreeCategory::Missing),
    );
    for (name, cat, kind) in [
        (
            "degree_bootcamp",
            DegreeCategory::Bootcamp,
            "a coding bootcamp",
        ),
        (
            "degree_bachelor",
            DegreeCategory::Bachelor,
            "a bachelor's degree",
        ),
        ("degree_master", DegreeCategory::Master, "a master's degree"),
        ("degree_doctorate", DegreeCategory::Doctorate, "a doctorate"),
    ] {
        b.add(
            name,
            f,
            Never,
            format!("The claimed degree is of this kind ({name})."),
            Sentence::flag(
                format!("the claimed degree is {kind}"),
                format!("the claimed degree is not {kind}"),
                "the kind of the claimed degree is not recorded",
            ),
            move |r| flag(r.own.education.degree_category == cat),
        );
    }
    b.add(
        "education_contradictory_claim",
        f,
        Opt,
        "Degree and major name contradictory levels.",
        Sentence::flag(
            "the claimed degree and major name contradictory levels of education",
            "the claimed degree and major do not contradict each other",
            "no degree was given",
        ),
        |r| opt_flag(r.own.education.contradictory_claim),
    );
    b.add(
        "years_since_graduation",
        f,
        Opt,
        "Years between the graduation year and submission.",
        Sentence::custom(
            years_since_graduation_sentence,
            "no usable graduation year was given",
        ),
        |r| opt(r.own.education.years_since_graduation.map(f64::from)),
    );
    b.add(
        "experience_before_graduation_years",
        f,
        Opt,
        "Claimed experience beyond the years since graduation.",
        Sentence::custom(
            experience_before_graduation_sentence,
            "no usable graduation year or years of experience were given",
        ),
        |r| opt(r.own.education.experience_before_graduation_years),
    );
}

/// The sentence of an institution feature without an institution to compare.
const NO_INSTITUTION: &str =
    "no institution was given to compare with the list of high-risk institutions";

fn years_since_graduation_sentence(years: f32) -> Option<String> {
    if years.fract() != 0.0 {
        return None;
    }
    let n = years.abs();
    let span = if n == 1.0 {
        "1 year".to_owned()
    } else {
        format!("{} years", sentence::count(n))
    };
    Some(if years > 0.0 {
        format!("graduated {span} before applying")
    } else if years < 0.0 {
        format!("the claimed graduation is {span} after the application")
    } else {
        "graduated in the year of the application".to_owned()
    })
}

fn experience_before_graduation_sentence(years: f32) -> Option<String> {
    Some(if years > 0.0 {
        format!(
            "claims {} of work experience from before graduating",
            sentence::amount(Unit::Years, years)
        )
    } else if years < 0.0 {
        format!(
            "claims {} less work experience than the years since graduating",
            sentence::amount(Unit::Years, -years)
        )
    } else {
        "claims as many years of work experience as years since graduating".to_owned()
    })
}

fn profile(b: &mut Builder) {
    let f = Family::Profile;
    b.add(
        "profile_age_days",
        f,
        Opt,
        "Days from profile creation to submission.",
        Sentence::amount(
            Unit::Days,
            "the professional profile was created {} before the application",
            NO_PROFILE_DATE,
        ),
        |r| opt(r.own.profile.profile_age_days),
    );
    b.add(
        "profile_new",
        f,
        Opt,
        "The profile was created shortly before submission.",
        Sentence::flag(
            "the professional profile was created less than 30 days before the application",
            "the professional profile was created at least 30 days before the application",
            NO_PROFILE_DATE,
        ),
        |r| opt_flag(r.own.profile.new_profile),
    );
    b.add(
        "profile_dormancy_gap_days",
        f,
        Opt,
        "Days between the last activity before the dormant period and submission.",
        Sentence::amount(
            Unit::Days,
            "the professional profile was inactive before the month of the application: its last earlier activity was {} before it",
            "no period of inactivity is recorded for the professional profile",
        ),
        |r| opt(r.own.profile.dormancy_gap_days),
    );
    b.add(
        "profile_edits_after_dormancy",
        f,
        Opt,
        "Profile edits in the 30 days before submission after a dormant period (0 if active).",
        Sentence::count(
            "no edits to the professional profile after a period of inactivity",
            "1 edit to the professional profile in the 30 days before the application, after a period of inactivity",
            "{} edits to the professional profile in the 30 days before the application, after a period of inactivity",
            "no record of recent edits to the professional profile",
        ),
        |r| opt(r.own.profile.edits_after_dormancy.map(f64::from)),
    );
    b.add(
        "profile_connections_per_experience_year",
        f,
        Opt,
        "Profile connections per claimed year of experience.",
        Sentence::amount(
            Unit::Number,
            "the professional profile has {} connections per claimed year of experience",
            "the professional profile's connections could not be compared with the claimed experience",
        ),
        |r| opt(r.own.profile.connections_per_experience_year),
    );
}

/// The sentence of a profile-date feature without a usable creation date.
const NO_PROFILE_DATE: &str = "no usable creation date of a professional profile";

fn network(b: &mut Builder) {
    let f = Family::Network;
    b.add(
        "ip_private_or_reserved",
        f,
        Opt,
        "The submission IP is private or reserved (missing when no valid IP).",
        Sentence::flag(
            "the application came from a private or reserved IP address, not a public one",
            "the application came from a public IP address",
            "no valid IP address was recorded for the application",
        ),
        |r| opt_flag(r.own.network.ip_private),
    );
    b.add(
        "ip_kind_known",
        f,
        Never,
        "The submission IP falls in a range of the reference file.",
        Sentence::flag(
            "the application's IP address is in a known network range",
            "the application's IP address is missing, private, or in no known network range",
            "whether the application's IP address is in a known network range is not recorded",
        ),
        |r| flag(r.own.network.ip_kind.is_some()),
    );
    for kind in IpKind::ALL {
        let network = match kind {
            IpKind::Residential => "a home broadband network",
            IpKind::Mobile => "a mobile carrier's network",
            IpKind::Business => "a company network",
            IpKind::Hosting => "a hosting-provider (data-centre) network",
            IpKind::Vpn => "a VPN service's network",
            IpKind::Proxy => "a proxy network",
        };
        b.add(
            format!("ip_kind_{}", kind.as_str()),
            f,
            Opt,
            format!(
                "The submission IP's longest-prefix range is of kind '{}'.",
                kind.as_str()
            ),
            Sentence::flag(
                format!("applied from {network}"),
                format!("did not apply from {network}"),
                "the application's IP address is missing, private, or in no known network range",
            ),
            move |r| r.own.network.ip_kind.map_or(f32::NAN, |k| flag(k == kind)),
        );
    }
    b.add(
        "ip_country_differs",
        f,
        Opt,
        "The submission IP's range country differs from the claimed country.",
        Sentence::flag(
            "applied from an IP address in another country than the claimed one",
            "applied from an IP address in the claimed country",
            "the country of the application's IP address, or the claimed country, is unknown",
        ),
        |r| opt_flag(r.own.network.ip_country_differs),
    );
    b.add(
        "telemetry_ip_countries",
        f,
        Never,
        "Distinct IP-range countries over the application's telemetry.",
        Sentence::count(
            "no country could be placed from the device telemetry's IP addresses",
            "the device telemetry came from IP addresses in 1 country",
            "the device telemetry came from IP addresses in {} different countries",
            "the countries of the device telemetry are not recorded",
        ),
        |r| r.own.network.tel_ip_countries_distinct as f32,
    );
    b.add(
        "telemetry_ip_country_differs_share",
        f,
        Opt,
        "Share of telemetry samples whose IP country differs from the claimed country.",
        Sentence::share(
            "{} of device telemetry samples came from IP addresses in another country than the claimed one",
            "no device telemetry with an IP address in a known country, or the claimed country is unknown",
        ),
        |r| opt(r.own.network.tel_ip_country_differs_share),
    );
    b.add(
        "telemetry_anonymizing_ip_share",
        f,
        Opt,
        "Share of telemetry samples from hosting, VPN or proxy ranges.",
        Sentence::share(
            "{} of device telemetry samples came through hosting-provider, VPN or proxy networks",
            "no device telemetry with a public IP address",
        ),
        |r| opt(r.own.network.tel_anonymizing_share),
    );
    b.add(
        "telemetry_ip_differs_from_submission_share",
        f,
        Opt,
        "Share of telemetry samples whose IP differs from the submission IP.",
        Sentence::share(
            "{} of device telemetry samples came from another IP address than the application",
            "no device telemetry with a valid IP address, or no valid IP address on the application",
        ),
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
        Sentence::amount(
            Unit::Minutes,
            "the browser's clock was {} away from any time zone of the claimed location",
            NO_BROWSER_OFFSET,
        )
        .or_zero("the browser's clock fits a time zone of the claimed location"),
        |r| opt(r.own.time.browser_offset_distance_min),
    );
    b.add(
        "browser_offset_mismatch",
        f,
        Opt,
        "The browser's UTC offset is not possible in the claimed country/region at submission.",
        Sentence::flag(
            "the browser's clock was set to a time zone not used at the claimed location",
            "the browser's clock fits a time zone of the claimed location",
            NO_BROWSER_OFFSET,
        ),
        |r| opt_flag(r.own.time.browser_offset_mismatch),
    );
    b.add(
        "submission_local_hour",
        f,
        Opt,
        "Hour of submission in claimed-local time.",
        Sentence::custom(local_hour_sentence, NO_LOCAL_TIME),
        |r| opt(r.own.time.submission_local_hour),
    );
    b.add(
        "submission_local_night",
        f,
        Opt,
        "Submitted between 00:00 and 06:00 claimed-local time.",
        Sentence::flag(
            "submitted between midnight and 6 a.m., local time at the claimed location",
            "submitted between 6 a.m. and midnight, local time at the claimed location",
            NO_LOCAL_TIME,
        ),
        |r| opt_flag(r.own.time.submission_local_night),
    );
    b.add(
        "telemetry_offset_mismatch_share",
        f,
        Opt,
        "Share of telemetry samples whose UTC offset is impossible in the claimed country/region at that time.",
        Sentence::share(
            "{} of device telemetry samples had a clock set to a time zone not used at the claimed location",
            NO_TELEMETRY_CLOCK,
        ),
        |r| opt(r.own.time.tel_offset_mismatch_share),
    );
    b.add(
        "telemetry_offset_max_distance_min",
        f,
        Opt,
        "Largest distance (minutes) of a telemetry UTC offset from the possible ones.",
        Sentence::amount(
            Unit::Minutes,
            "a device telemetry clock was {} away from any time zone of the claimed location",
            NO_TELEMETRY_CLOCK,
        )
        .or_zero("every device telemetry clock fits a time zone of the claimed location"),
        |r| opt(r.own.time.tel_offset_max_distance_min),
    );
    b.add(
        "telemetry_local_night_share",
        f,
        Opt,
        "Share of telemetry samples taken between 00:00 and 06:00 claimed-local time.",
        Sentence::share(
            "{} of device telemetry samples were taken between midnight and 6 a.m., local time at the claimed location",
            "no device telemetry, or the claimed country is unknown",
        ),
        |r| opt(r.own.time.tel_local_night_share),
    );
}

/// The sentence of a browser-clock feature without a usable offset or claimed place.
const NO_BROWSER_OFFSET: &str =
    "the browser's time zone, or the claimed country, is missing or unknown";
/// The sentence of a claimed-local-time feature without a known claimed country.
const NO_LOCAL_TIME: &str = "the claimed country is unknown, so its local time is too";
/// The sentence of a telemetry-clock feature without a usable sample.
const NO_TELEMETRY_CLOCK: &str =
    "no device telemetry with a usable clock time zone, or the claimed country is unknown";

fn local_hour_sentence(hour: f32) -> Option<String> {
    if hour.fract() != 0.0 || !(0.0..24.0).contains(&hour) {
        return None;
    }
    Some(format!(
        "submitted between {h:02}:00 and {h:02}:59, local time at the claimed location",
        h = hour as u8
    ))
}

fn remote_control(b: &mut Builder) {
    let f = Family::RemoteControl;
    b.add(
        "telemetry_samples",
        f,
        Never,
        "Telemetry samples of the application.",
        Sentence::count(
            NO_TELEMETRY,
            "1 device telemetry sample was recorded for this application",
            "{} device telemetry samples were recorded for this application",
            "the number of device telemetry samples is not recorded",
        ),
        |r| r.own.remote_control.sample_count as f32,
    );
    b.add(
        "telemetry_sessions",
        f,
        Never,
        "Distinct telemetry sessions of the application.",
        Sentence::count(
            NO_TELEMETRY,
            "the device telemetry covers 1 session",
            "the device telemetry covers {} separate sessions",
            "the number of device telemetry sessions is not recorded",
        ),
        |r| r.own.remote_control.session_count as f32,
    );
    b.add(
        "input_lag_median_ms",
        f,
        Opt,
        "Median keystroke-to-delivery latency.",
        Sentence::amount(
            Unit::Milliseconds,
            "keystrokes took {} to arrive at the median (local typing takes a few ms)",
            NO_INPUT_LAG,
        ),
        |r| opt(r.own.remote_control.input_lag_median_ms),
    );
    b.add(
        "input_lag_p90_ms",
        f,
        Opt,
        "90th percentile of input latency.",
        Sentence::amount(
            Unit::Milliseconds,
            "one keystroke in ten took {} or longer to arrive (local typing takes a few ms)",
            NO_INPUT_LAG,
        ),
        |r| opt(r.own.remote_control.input_lag_p90_ms),
    );
    b.add(
        "input_lag_share_over_50ms",
        f,
        Opt,
        "Share of samples with input latency above 50 ms.",
        Sentence::share(
            "{} of device telemetry samples had keystrokes arriving more than 50 ms late (remote control adds such delays; local typing takes a few ms)",
            NO_INPUT_LAG,
        ),
        |r| opt(r.own.remote_control.input_lag_share_over_50ms),
    );
    b.add(
        "input_lag_share_over_110ms",
        f,
        Opt,
        "Share of samples with input latency above 110 ms.",
        Sentence::share(
            "{} of device telemetry samples had keystrokes arriving more than 110 ms late, as seen with remote control over a long distance",
            NO_INPUT_LAG,
        ),
        |r| opt(r.own.remote_control.input_lag_share_over_110ms),
    );
    b.add(
        "typing_interval_median_ms",
        f,
        Opt,
        "Median of the per-sample median keystroke intervals.",
        Sentence::amount(
            Unit::Milliseconds,
            "the median time between keystrokes was {}",
            NO_TYPING,
        ),
        |r| opt(r.own.remote_control.typing_interval_median_ms),
    );
    b.add(
        "typing_interval_p10_ms",
        f,
        Opt,
        "10th percentile of keystroke intervals.",
        Sentence::amount(
            Unit::Milliseconds,
            "one time between keystrokes in ten was {} or shorter",
            NO_TYPING,
        ),
        |r| opt(r.own.remote_control.typing_interval_p10_ms),
    );
    b.add(
        "typing_burstiness",
        f,
        Opt,
        "Goh-Barabasi burstiness of keystroke intervals (-1 regular, 1 bursty).",
        Sentence::custom(
            burstiness_sentence,
            "too few keystroke timings in the device telemetry to judge the typing rhythm",
        ),
        |r| opt(r.own.remote_control.typing_burstiness),
    );
    b.add(
        "typing_share_under_40ms",
        f,
        Opt,
        "Share of keystroke intervals under 40 ms (pasted or scripted input).",
        Sentence::share(
            "{} of device telemetry samples had keystrokes less than 40 ms apart, faster than people type (pasted or scripted input)",
            NO_TYPING,
        ),
        |r| opt(r.own.remote_control.typing_share_under_40ms),
    );
    type Pick = fn(&RowSignals) -> bool;
    // (name, what the description says, what the sentence for 1 says if not that, what the
    // sentence for 0 says)
    let tools: [(&str, &str, Option<&str>, &str, Pick); 5] = [
        (
            "remote_tool_seen",
            "any remote-access tool",
            Some("a remote-access tool"),
            "remote-access tool",
            |r| r.own.remote_control.remote_tool_seen,
        ),
        (
            "remote_tool_software",
            "consumer remote-desktop software",
            None,
            "consumer remote-desktop software",
            |r| r.own.remote_control.remote_tool_software,
        ),
        (
            "remote_tool_corporate",
            "a corporate remote-access tool (RDP, VDI clients)",
            None,
            "corporate remote-access tool (RDP, VDI clients)",
            |r| r.own.remote_control.remote_tool_corporate,
        ),
        (
            "remote_tool_hardware_kvm",
            "a hardware KVM-over-IP device",
            None,
            "hardware KVM-over-IP device",
            |r| r.own.remote_control.remote_tool_hardware_kvm,
        ),
        (
            "remote_tool_other",
            "another remote-access tool",
            Some("an unrecognised remote-access tool"),
            "unrecognised remote-access tool",
            |r| r.own.remote_control.remote_tool_other,
        ),
    ];
    for (name, what, seen, none, pick) in tools {
        b.add(
            name,
            f,
            Opt,
            format!("Telemetry detected {what} (missing without telemetry)."),
            Sentence::flag(
                format!("device telemetry detected {}", seen.unwrap_or(what)),
                format!("device telemetry detected no {none}"),
                NO_TELEMETRY,
            ),
            move |r| tel(r, flag(pick(r))),
        );
    }
    b.add(
        "remote_tools_distinct",
        f,
        Never,
        "Distinct remote-access tools detected.",
        Sentence::count(
            "device telemetry detected no remote-access tool",
            "device telemetry detected 1 remote-access tool",
            "device telemetry detected {} different remote-access tools",
            "the number of remote-access tools detected is not recorded",
        ),
        |r| r.own.remote_control.remote_tool_distinct as f32,
    );
    b.add(
        "virtual_machine_share",
        f,
        Opt,
        "Share of samples that ran in a virtual machine.",
        Sentence::share(
            "{} of device telemetry samples ran in a virtual machine",
            "the device telemetry does not say whether it ran in a virtual machine",
        ),
        |r| opt(r.own.remote_control.virtual_machine_share),
    );
    b.add(
        "unusual_screen_share",
        f,
        Opt,
        "Share of samples with an unusual screen size (KVM capture sizes and the like).",
        Sentence::share(
            "{} of device telemetry samples reported an unusual screen size, as remote-control hardware and virtual machines do",
            "the device telemetry reports no screen size",
        ),
        |r| opt(r.own.remote_control.unusual_screen_share),
    );
    b.add(
        "telemetry_ips",
        f,
        Never,
        "Distinct IPs over the application's telemetry.",
        Sentence::count(
            "no valid IP address in the device telemetry",
            "the device telemetry came from 1 IP address",
            "the device telemetry came from {} different IP addresses",
            "the IP addresses of the device telemetry are not recorded",
        ),
        |r| r.own.remote_control.ip_distinct as f32,
    );
    b.add(
        "telemetry_ipv4_networks",
        f,
        Never,
        "Distinct IPv4 /24 networks over the application's telemetry.",
        Sentence::count(
            "no valid IPv4 address in the device telemetry",
            "the device telemetry's IPv4 addresses came from 1 network",
            "the device telemetry's IPv4 addresses came from {} different networks",
            "the networks of the device telemetry are not recorded",
        ),
        |r| r.own.remote_control.ipv4_24_distinct as f32,
    );
    b.add(
        "telemetry_devices",
        f,
        Never,
        "Distinct devices over the application's telemetry.",
        Sentence::count(
            "no device identifier in the device telemetry",
            "the device telemetry came from 1 device",
            "the device telemetry came from {} different devices",
            "the devices of the device telemetry are not recorded",
        ),
        |r| r.own.remote_control.device_distinct as f32,
    );
    b.add(
        "telemetry_tz_offsets",
        f,
        Never,
        "Distinct UTC offsets over the application's telemetry.",
        Sentence::count(
            "no clock time zone in the device telemetry",
            "the device telemetry clocks showed 1 time zone",
            "the device telemetry clocks showed {} different time zones",
            "the time zones of the device telemetry are not recorded",
        ),
        |r| r.own.remote_control.tz_offset_distinct as f32,
    );
    b.add(
        "telemetry_offset_differs_from_browser_share",
        f,
        Opt,
        "Share of telemetry samples whose UTC offset differs from the browser's at submission.",
        Sentence::share(
            "{} of device telemetry samples had a clock time zone other than the browser's at submission",
            NO_BROWSER_COMPARISON,
        ),
        |r| opt(r.own.remote_control.tz_offset_mismatch_share),
    );
    b.add(
        "telemetry_offset_max_diff_from_browser_min",
        f,
        Opt,
        "Largest difference (minutes) between a telemetry UTC offset and the browser's.",
        Sentence::amount(
            Unit::Minutes,
            "a device telemetry clock differed from the browser's time zone at submission by {}",
            NO_BROWSER_COMPARISON,
        )
        .or_zero("every device telemetry clock matched the browser's time zone at submission"),
        |r| opt(r.own.remote_control.tz_offset_max_abs_diff_min),
    );
}

/// The sentence of a telemetry feature without telemetry.
const NO_TELEMETRY: &str = "no device telemetry for this application";
/// The sentence of an input-lag feature without a lag.
const NO_INPUT_LAG: &str = "no keystroke delays in the device telemetry";
/// The sentence of a typing-interval feature without an interval.
const NO_TYPING: &str = "no keystroke timings in the device telemetry";
/// The sentence of a browser-comparison feature without the two offsets.
const NO_BROWSER_COMPARISON: &str =
    "the device telemetry's clock time zones could not be compared with the browser's";

fn burstiness_sentence(b: f32) -> Option<String> {
    if !(-1.0..=1.0).contains(&b) {
        return None;
    }
    let rhythm = if b <= -0.5 {
        "unusually regular"
    } else if b < 0.0 {
        "fairly regular"
    } else if b < 0.5 {
        "irregular"
    } else {
        "very bursty"
    };
    Some(format!(
        "the typing rhythm was {rhythm} ({} on a scale from -1, evenly spaced like a machine, to 1, in bursts)",
        sentence::number(b)
    ))
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
        let key = entity(kind);
        let missing = no_entity(kind);
        for (days, span) in [(30, "30 days"), (365, "year")] {
            let w = window_index(days);
            b.add(
                format!("shared_{k}_apps_{days}d"),
                f,
                Opt,
                format!("Earlier applications (last {days} days) sharing the {what}."),
                Sentence::count(
                    format!("no earlier application in the last {span} used the same {key}"),
                    format!("1 earlier application in the last {span} used the same {key}"),
                    format!("{{}} earlier applications in the last {span} used the same {key}"),
                    missing,
                ),
                move |r| key_stat(r, kind, |s| s.apps_in_window[w]),
            );
        }
        if kind != KeyKind::Email {
            b.add(
                format!("shared_{k}_identities"),
                f,
                Opt,
                format!("Distinct other identities (emails) among earlier applications sharing the {what}."),
                Sentence::count(
                    format!("no other identity (email address) used the same {key} on an earlier application"),
                    format!("1 other identity (email address) used the same {key} on earlier applications"),
                    format!("{{}} other identities (email addresses) used the same {key} on earlier applications"),
                    missing,
                ),
                move |r| key_stat(r, kind, |s| s.other_identities_before),
            );
        }
        b.add(
            format!("shared_{k}_known_fraud"),
            f,
            Opt,
            format!("Earlier applications sharing the {what} with a fraud label known before submission."),
            Sentence::count(
                format!("no earlier application with the same {key} had been labelled fraud before this one"),
                format!("1 earlier application with the same {key} had been labelled fraud before this one"),
                format!("{{}} earlier applications with the same {key} had been labelled fraud before this one"),
                missing,
            ),
            move |r| key_stat(r, kind, |s| s.fraud_known),
        );
    }
    b.add(
        "linked_component_size",
        f,
        Never,
        "Applications in the component linked by shared address, device, phone or email before submission, itself included.",
        Sentence::custom(
            linked_sentence,
            "the applications linked to this one are not recorded",
        ),
        |r| r.history.component_size as f32,
    );
}

/// How a sentence names the entity of a key kind ("the same {entity}").
fn entity(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Address => "shipping address",
        KeyKind::Ip => "public IP address (at submission or in device telemetry)",
        KeyKind::IpNetwork => {
            "block of neighbouring IP addresses (at submission or in device telemetry)"
        }
        KeyKind::Device => "device (at submission or in device telemetry)",
        KeyKind::Phone => "phone number",
        KeyKind::Email => "email address",
    }
}

/// The sentence of a history feature of a key kind the application does not have.
fn no_entity(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Address => "no shipping address was given",
        KeyKind::Ip => "no public IP address was recorded, at submission or in device telemetry",
        KeyKind::IpNetwork => {
            "no public IP address was recorded, at submission or in device telemetry"
        }
        KeyKind::Device => {
            "no device identifier was recorded, at submission or in device telemetry"
        }
        KeyKind::Phone => "no readable phone number was given",
        KeyKind::Email => "no readable email address was given",
    }
}

fn linked_sentence(size: f32) -> Option<String> {
    if size < 1.0 || size.fract() != 0.0 {
        return None;
    }
    let others = size - 1.0;
    Some(if others == 0.0 {
        "no earlier application is linked to this one by a shared address, device, phone or email"
            .to_owned()
    } else if others == 1.0 {
        "1 earlier application is linked to this one by shared addresses, devices, phones or emails"
            .to_owned()
    } else {
        format!(
            "{} earlier applications are linked to this one, directly or in a chain, by shared addresses, devices, phones or emails",
            sentence::count(others)
        )
    })
}

fn documents(b: &mut Builder) {
    let f = Family::Documents;
    b.add(
        "resume_near_duplicate_identities",
        f,
        Opt,
        "Distinct other identities that submitted a near-duplicate resume earlier (MinHash).",
        Sentence::count(
            "no other identity (email address) sent a near-identical resume earlier",
            "1 other identity (email address) sent a near-identical resume earlier",
            "{} other identities (email addresses) sent a near-identical resume earlier",
            NO_RESUME,
        ),
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
        Sentence::share(
            "the resume shares an estimated {} of its wording with an earlier resume of another identity",
            NO_RESUME,
        )
        .or_zero("no earlier resume of another identity is alike"),
        |r| match r.documents {
            Some(d) => d.max_similarity.unwrap_or(0.0),
            None => f32::NAN,
        },
    );
}

/// The sentence of a resume feature without a resume to compare.
const NO_RESUME: &str = "no resume long enough to compare with earlier ones";

fn velocity(b: &mut Builder) {
    let f = Family::Velocity;
    for kind in [KeyKind::Email, KeyKind::Device, KeyKind::Address] {
        let k = match kind {
            KeyKind::Email => "identity",
            other => other.as_str(),
        };
        let key = match kind {
            KeyKind::Email => "email address",
            KeyKind::Device => "device",
            _ => "shipping address",
        };
        for (label, days, span) in [("24h", 1, "24 hours"), ("7d", 7, "7 days")] {
            let w = window_index(days);
            b.add(
                format!("velocity_{k}_apps_{label}"),
                f,
                Opt,
                format!("Earlier applications from the same {k} in the last {label}."),
                Sentence::count(
                    format!("no other application from the same {key} in the last {span}"),
                    format!("1 other application from the same {key} in the last {span}"),
                    format!("{{}} other applications from the same {key} in the last {span}"),
                    no_entity(kind),
                ),
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

    /// Values every feature of a reading can take: the extremes, a typical value and a large
    /// one, and a missing value.
    fn representative_values(feature: &Feature) -> Vec<f32> {
        use super::sentence::Reading;
        let mut values = match &feature.sentence.reading {
            Reading::Flag { .. } => vec![0.0, 1.0],
            Reading::Count { .. } => vec![0.0, 1.0, 3.0, 1234.0],
            Reading::Amount {
                unit: Unit::Percent,
                ..
            } => vec![0.0, 0.004, 0.25, 1.0],
            Reading::Amount { .. } => vec![0.0, 0.5, 1.0, 37.5, 1_000_000.0],
            Reading::Custom(_) => match feature.def.name.as_str() {
                "years_since_graduation" => vec![-2.0, -1.0, 0.0, 1.0, 12.0, 70.0],
                "experience_before_graduation_years" => vec![-30.0, -1.5, 0.0, 1.0, 2.5, 60.0],
                "submission_local_hour" => vec![0.0, 1.0, 3.0, 23.0],
                "typing_burstiness" => vec![-1.0, -0.3, 0.0, 0.4, 1.0],
                "linked_component_size" => vec![1.0, 2.0, 57.0, 12_345.0],
                other => panic!("{other}: a custom sentence without representative values"),
            },
        };
        values.push(f32::NAN);
        values
    }

    /// The words of `text`, lower case, split at anything but letters and digits.
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn every_feature_reads_as_plain_english_for_each_of_its_values() {
        use super::sentence::Reading;
        for feature in CATALOG.iter() {
            let name = &feature.def.name;
            let mut seen = Vec::new();
            for v in representative_values(feature) {
                let text = feature
                    .sentence
                    .render(v)
                    .unwrap_or_else(|| panic!("{name}: no catalog sentence for {v}"));
                assert_eq!(text, feature.sentence(v), "{name} = {v}");
                assert!(!text.trim().is_empty(), "{name} = {v}");
                // No feature-name jargon: no snake_case identifier, not the name itself.
                assert!(!text.contains('_'), "{name} = {v}: {text}");
                assert!(!text.contains(name.as_str()), "{name} = {v}: {text}");
                let w = words(&text);
                for bad in ["nan", "inf", "infinity", "infinite", "null", "none"] {
                    assert!(!w.iter().any(|x| x == bad), "{name} = {v}: {text}");
                }
                if let Reading::Count { .. } = feature.sentence.reading {
                    // Counts appear as integers, with thousands separators.
                    if v == 3.0 {
                        assert!(w.contains(&"3".to_owned()), "{name} = 3: {text}");
                        assert!(!text.contains("3.0"), "{name} = 3: {text}");
                    }
                    if v == 1234.0 {
                        assert!(text.contains("1,234 "), "{name} = 1234: {text}");
                    }
                }
                seen.push(text);
            }
            // Different values that mean different things read differently: the missing
            // sentence is not the sentence of any value, and a flag's two sentences differ.
            let missing = seen.last().cloned().unwrap_or_default();
            for (i, text) in seen.iter().enumerate().take(seen.len() - 1) {
                assert_ne!(text, &missing, "{name}: value {i} reads as missing");
            }
            if let Reading::Flag { .. } = feature.sentence.reading {
                assert_ne!(seen[0], seen[1], "{name}");
            }
        }
    }

    #[test]
    fn sentences_describe_evidence_never_who_someone_is_or_a_verdict() {
        for feature in CATALOG.iter() {
            for v in representative_values(feature) {
                let text = feature.sentence(v);
                let w = words(&text);
                for bad in [
                    "nationality",
                    "citizen",
                    "citizenship",
                    "language",
                    "english",
                    "fluency",
                    "grammar",
                    "accent",
                    "keyboard",
                    "layout",
                    "ethnic",
                    "origin",
                    "photo",
                    "fraudster",
                    "fraudulent",
                    "criminal",
                    "scam",
                    "scammer",
                    "guilty",
                    "fake",
                    "reject",
                    "rejected",
                ] {
                    assert!(
                        !w.iter().any(|x| x == bad),
                        "{} = {v}: {text}",
                        feature.def.name
                    );
                }
            }
        }
    }

    #[test]
    fn exact_sentences_name_the_value() {
        // Reference: hand-written from each feature's definition in this catalog and the
        // formatting rules of `sentence.rs` (counts as integers, shares as whole percentages,
        // durations in the largest sensible unit).
        let cases: [(&str, f32, &str); 22] = [
            (
                "ip_kind_hosting",
                1.0,
                "applied from a hosting-provider (data-centre) network",
            ),
            (
                "ip_kind_residential",
                0.0,
                "did not apply from a home broadband network",
            ),
            (
                "shared_address_identities",
                3.0,
                "3 other identities (email addresses) used the same shipping address on earlier applications",
            ),
            (
                "shared_device_apps_365d",
                1.0,
                "1 earlier application in the last year used the same device (at submission or in device telemetry)",
            ),
            (
                "shared_phone_known_fraud",
                2.0,
                "2 earlier applications with the same phone number had been labelled fraud before this one",
            ),
            (
                "telemetry_samples",
                0.0,
                "no device telemetry for this application",
            ),
            (
                "remote_tool_hardware_kvm",
                f32::NAN,
                "no device telemetry for this application",
            ),
            (
                "remote_tool_software",
                1.0,
                "device telemetry detected consumer remote-desktop software",
            ),
            (
                "input_lag_median_ms",
                132.4,
                "keystrokes took 132 ms to arrive at the median (local typing takes a few ms)",
            ),
            (
                "input_lag_share_over_110ms",
                0.75,
                "75% of device telemetry samples had keystrokes arriving more than 110 ms late, as seen with remote control over a long distance",
            ),
            (
                "profile_dormancy_gap_days",
                1168.8,
                "the professional profile was inactive before the month of the application: its last earlier activity was 3.2 years before it",
            ),
            (
                "profile_age_days",
                12.3,
                "the professional profile was created 12 days before the application",
            ),
            (
                "browser_offset_distance_min",
                330.0,
                "the browser's clock was 5 hours 30 minutes away from any time zone of the claimed location",
            ),
            (
                "submission_local_hour",
                3.0,
                "submitted between 03:00 and 03:59, local time at the claimed location",
            ),
            (
                "linked_component_size",
                1.0,
                "no earlier application is linked to this one by a shared address, device, phone or email",
            ),
            (
                "velocity_device_apps_24h",
                4.0,
                "4 other applications from the same device in the last 24 hours",
            ),
            (
                "years_since_graduation",
                -2.0,
                "the claimed graduation is 2 years after the application",
            ),
            (
                "phone_valid",
                0.0,
                "the phone number is not a valid number in any country",
            ),
            (
                "phone_digit_count",
                11.0,
                "the phone number as typed has 11 digits",
            ),
            (
                "email_local_digit_share",
                0.0,
                "the part of the email address before the @ has no digits",
            ),
            (
                "resume_max_similarity",
                0.8,
                "the resume shares an estimated 80% of its wording with an earlier resume of another identity",
            ),
            // A value a flag cannot take falls back to the generic sentence.
            ("phone_valid", 0.5, "phone_valid = 0.5 raised the score"),
        ];
        for (name, value, expected) in cases {
            let feature = CATALOG
                .iter()
                .find(|f| f.def.name == name)
                .unwrap_or_else(|| panic!("{name} is not in the catalog"));
            assert_eq!(feature.sentence(value), expected, "{name} = {value}");
        }
    }

    #[test]
    fn only_inputs_matching_the_catalog_get_its_sentences() {
        let hosting = lookup("ip_kind_hosting", "network", "informative").expect("in the catalog");
        assert_eq!(
            reason_sentence(Some(hosting), "ip_kind_hosting", 1.0),
            "applied from a hosting-provider (data-centre) network"
        );
        // A table column of the same name (family `generic`), another policy, an unknown name.
        assert!(lookup("ip_kind_hosting", "generic", "informative").is_none());
        assert!(lookup("ip_kind_hosting", "network", "never").is_none());
        assert!(lookup("col_a", "generic", "informative").is_none());
        assert_eq!(
            reason_sentence(None, "ip_kind_hosting", 1.0),
            "ip_kind_hosting = 1 raised the score"
        );
        assert_eq!(
            reason_sentence(None, "col_a", f32::NAN),
            "col_a is missing, which raised the score"
        );
        // Every catalog feature is found under its own family and policy.
        for f in CATALOG.iter() {
            let found = lookup(&f.def.name, f.def.family.as_str(), f.def.missing.as_str());
            assert!(found.is_some_and(|g| std::ptr::eq(g, f)), "{}", f.def.name);
        }
    }
}
