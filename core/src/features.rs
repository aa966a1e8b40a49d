//! Feature descriptors: every feature the pipeline computes has a [`FeatureDef`] (name,
//! family, missing-value policy, description), and a model is trained on an ordered
//! [`FeatureSet`]. The set's [`FeatureSetHash`] goes into the model manifest; serving refuses a
//! model whose hash differs from the pipeline's, so column order can never drift silently.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::CoreError;

/// The signal family a feature belongs to (`docs/signals.md`, "Families of features").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// The phone number as typed: validity, country, region and area code against the claim.
    Phone,
    /// Email and name: free-mail domain, digits in the local part, name-to-email and
    /// name-to-profile-link similarity.
    EmailAndName,
    /// Education claims: fuzzy match against the high-risk institution list, claims that
    /// contradict each other, experience claimed before graduating.
    Education,
    /// The linked profile: its age, dormancy before submission and edits right after it.
    Profile,
    /// Network addresses: the kind and country of each IP against the claimed country.
    Network,
    /// Time: UTC offsets against the claimed place and claimed-local hour of activity.
    Time,
    /// Session telemetry that betrays remote control: input lag, typing rhythm, remote tools,
    /// virtual machines, and how many networks, devices and offsets the sessions span.
    RemoteControl,
    /// Keys (address, IP, device, phone, email) shared with earlier applications and other
    /// identities, and the known fraud among them.
    SharedEntities,
    /// Near-duplicate resumes sent earlier by other identities.
    Documents,
    /// How many applications the same identity, device or address sent in recent windows.
    Velocity,
    /// A column of a user-supplied table used as it is (generic mode).
    Generic,
}

impl Family {
    /// Every family, in declaration order.
    pub const ALL: [Family; 11] = [
        Family::Phone,
        Family::EmailAndName,
        Family::Education,
        Family::Profile,
        Family::Network,
        Family::Time,
        Family::RemoteControl,
        Family::SharedEntities,
        Family::Documents,
        Family::Velocity,
        Family::Generic,
    ];

    /// Stable lower-case name, part of the feature-set hash.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Phone => "phone",
            Family::EmailAndName => "email_and_name",
            Family::Education => "education",
            Family::Profile => "profile",
            Family::Network => "network",
            Family::Time => "time",
            Family::RemoteControl => "remote_control",
            Family::SharedEntities => "shared_entities",
            Family::Documents => "documents",
            Family::Velocity => "velocity",
            Family::Generic => "generic",
        }
    }
}

impl std::str::FromStr for Family {
    type Err = CoreError;

    /// The family whose [`Family::as_str`] is `s`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Family::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| CoreError::UnknownVariant {
                what: "feature family",
                found: s.to_owned(),
                expected: Family::ALL.map(Family::as_str).join(", "),
            })
    }
}

/// What a missing value of a feature means to a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MissingPolicy {
    /// Missing is information: it reaches the model as NaN, trees learn a default direction and
    /// linear models get an indicator.
    Informative,
    /// The feature is always defined (counts, flags); a missing value is a bug and is refused.
    Never,
}

impl MissingPolicy {
    /// Stable lower-case name, part of the feature-set hash.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingPolicy::Informative => "informative",
            MissingPolicy::Never => "never",
        }
    }
}

impl std::str::FromStr for MissingPolicy {
    type Err = CoreError;

    /// The policy whose [`MissingPolicy::as_str`] is `s`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [MissingPolicy::Informative, MissingPolicy::Never]
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| CoreError::UnknownVariant {
                what: "missing-value policy",
                found: s.to_owned(),
                expected: "informative, never".to_owned(),
            })
    }
}

/// One feature: its column name, family, missing-value policy and what it measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureDef {
    /// Column name in feature frames, `snake_case` with its unit (`input_lag_p90_ms`).
    pub name: String,
    /// The signal family the feature belongs to.
    pub family: Family,
    /// What a missing value of this feature means to a model.
    pub missing: MissingPolicy,
    /// One sentence for model cards and reason codes; not part of the hash.
    pub description: String,
}

impl FeatureDef {
    /// A feature with the given column name, family, missing-value policy and description.
    pub fn new(
        name: impl Into<String>,
        family: Family,
        missing: MissingPolicy,
        description: impl Into<String>,
    ) -> Self {
        FeatureDef {
            name: name.into(),
            family,
            missing,
            description: description.into(),
        }
    }
}

/// SHA-256 of a feature set's canonical form, as 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeatureSetHash(String);

impl FeatureSetHash {
    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FeatureSetHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ordered list of features with unique names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSet {
    features: Vec<FeatureDef>,
}

/// Version tag of the canonical form hashed by [`FeatureSet::hash`].
const CANONICAL_VERSION: &str = "appfraud-featureset-v1";

impl FeatureSet {
    /// A feature set in the given order. Fails on an empty name, a name with a tab or newline
    /// (they delimit the canonical form) or a repeated name.
    pub fn new(features: Vec<FeatureDef>) -> Result<Self, CoreError> {
        let mut seen = std::collections::HashSet::new();
        for f in &features {
            if f.name.is_empty() || f.name.contains(['\t', '\n', '\r']) {
                return Err(CoreError::InvalidFeatureName {
                    name: f.name.clone(),
                });
            }
            if !seen.insert(f.name.as_str()) {
                return Err(CoreError::DuplicateFeature {
                    name: f.name.clone(),
                });
            }
        }
        Ok(FeatureSet { features })
    }

    /// The features in order.
    pub fn features(&self) -> &[FeatureDef] {
        &self.features
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether the set has no feature.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Column names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.features.iter().map(|f| f.name.as_str())
    }

    /// Position of the feature called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.features.iter().position(|f| f.name == name)
    }

    /// The text that is hashed: a version line, then one line per feature in order,
    /// `name<TAB>family<TAB>missing`. Descriptions are documentation and are left out.
    pub fn canonical_form(&self) -> String {
        let mut out = format!("{CANONICAL_VERSION}\n");
        for f in &self.features {
            out.push_str(&format!(
                "{}\t{}\t{}\n",
                f.name,
                f.family.as_str(),
                f.missing.as_str()
            ));
        }
        out
    }

    /// SHA-256 of [`canonical_form`](Self::canonical_form): equal sets (same names, families,
    /// policies, order) have equal hashes on every platform and in every version of appfraud
    /// that keeps the canonical form's version.
    pub fn hash(&self) -> FeatureSetHash {
        FeatureSetHash(sha256_hex(self.canonical_form().as_bytes()))
    }
}

/// SHA-256 of `bytes` as 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str) -> FeatureDef {
        FeatureDef::new(
            name,
            Family::RemoteControl,
            MissingPolicy::Informative,
            "test",
        )
    }

    #[test]
    fn sha256_matches_the_fips_test_vector() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hash_is_the_sha256_of_the_documented_canonical_form() {
        let set = FeatureSet::new(vec![f("input_lag_p90_ms"), f("remote_tool_any")]).unwrap();
        let canonical = "appfraud-featureset-v1\ninput_lag_p90_ms\tremote_control\tinformative\nremote_tool_any\tremote_control\tinformative\n";
        assert_eq!(set.canonical_form(), canonical);
        assert_eq!(set.hash().as_str(), sha256_hex(canonical.as_bytes()));
    }

    #[test]
    fn order_family_and_policy_change_the_hash_but_descriptions_do_not() {
        let a = FeatureSet::new(vec![f("x"), f("y")]).unwrap();
        let swapped = FeatureSet::new(vec![f("y"), f("x")]).unwrap();
        let mut other_family = f("y");
        other_family.family = Family::Network;
        let mut other_policy = f("y");
        other_policy.missing = MissingPolicy::Never;
        let mut reworded = f("y");
        reworded.description = "another sentence".into();
        assert_ne!(a.hash(), swapped.hash());
        assert_ne!(
            a.hash(),
            FeatureSet::new(vec![f("x"), other_family]).unwrap().hash()
        );
        assert_ne!(
            a.hash(),
            FeatureSet::new(vec![f("x"), other_policy]).unwrap().hash()
        );
        assert_eq!(
            a.hash(),
            FeatureSet::new(vec![f("x"), reworded]).unwrap().hash()
        );
    }

    #[test]
    fn families_and_policies_parse_from_their_hashed_names() {
        for family in Family::ALL {
            assert_eq!(family.as_str().parse::<Family>(), Ok(family));
        }
        for policy in [MissingPolicy::Informative, MissingPolicy::Never] {
            assert_eq!(policy.as_str().parse::<MissingPolicy>(), Ok(policy));
        }
        assert!(matches!(
            "Phone".parse::<Family>(),
            Err(CoreError::UnknownVariant { .. })
        ));
        assert!(matches!(
            "sometimes".parse::<MissingPolicy>(),
            Err(CoreError::UnknownVariant { .. })
        ));
    }

    #[test]
    fn duplicate_and_invalid_names_are_refused() {
        assert!(matches!(
            FeatureSet::new(vec![f("x"), f("x")]),
            Err(CoreError::DuplicateFeature { .. })
        ));
        assert!(matches!(
            FeatureSet::new(vec![f("a\tb")]),
            Err(CoreError::InvalidFeatureName { .. })
        ));
        assert!(matches!(
            FeatureSet::new(vec![f("")]),
            Err(CoreError::InvalidFeatureName { .. })
        ));
    }
}
