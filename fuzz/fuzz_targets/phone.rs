//! The bytes as `phone`, `claimed_country` and `claimed_region` (separated by the first two
//! line feeds; invalid UTF-8 replaced, as a text column cannot hold it) through the phone
//! signal functions and the phone's history key. Never fails, never panics: the contract of
//! [`phone_signals`].

#![no_main]

use appfraud_features::{EntityKeys, KeyKind, RegionCode, phone_signals};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\n');
    let phone = parts.next().unwrap_or_default();
    let country = parts.next().unwrap_or_default();
    let region = parts.next();
    let _ = RegionCode::parse(country).map(|r| r.as_str().len());
    let signals = phone_signals(Some(phone), country, region);
    // The same text read from a country with a different numbering plan, and as a country.
    let _ = phone_signals(Some(phone), "GB", None);
    let _ = phone_signals(Some(country), phone, Some(phone));
    let keys = EntityKeys::of_application(
        None,
        None,
        None,
        Some(phone),
        signals.e164,
        "fuzz@example.org",
    );
    let _ = keys.get(KeyKind::Phone);
});
