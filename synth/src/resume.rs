//! Resume summaries: free text assembled from phrase pools.
//!
//! Each legitimate applicant writes their own (random phrases, personal numbers), so two
//! strangers' texts share little. A laptop farm writes one template and reuses it for all its
//! identities with light edits; a few legitimate applicants start from the same popular public
//! template, which makes near-duplicate text a strong but not a certain signal.

use crate::rng::Rng;

const ROLES: &[&str] = &[
    "software engineer",
    "backend developer",
    "full-stack developer",
    "data engineer",
    "frontend engineer",
    "site reliability engineer",
    "mobile developer",
    "machine learning engineer",
    "platform engineer",
    "QA automation engineer",
];
const DOMAINS: &[&str] = &[
    "payments",
    "logistics",
    "healthcare",
    "e-commerce",
    "advertising",
    "fintech",
    "gaming",
    "insurance",
    "education",
    "telecom",
    "travel",
    "media streaming",
];
const TECH: &[&str] = &[
    "Python",
    "Go",
    "Java",
    "Kotlin",
    "TypeScript",
    "React",
    "Node.js",
    "Rust",
    "C#",
    ".NET",
    "PostgreSQL",
    "Kafka",
    "Kubernetes",
    "AWS",
    "GCP",
    "Terraform",
    "Spark",
    "Swift",
    "Django",
    "Spring Boot",
    "Redis",
    "GraphQL",
];
const VERBS: &[&str] = &[
    "Led",
    "Built",
    "Designed",
    "Owned",
    "Shipped",
    "Re-architected",
    "Automated",
    "Scaled",
];
const THINGS: &[&str] = &[
    "the billing service",
    "a real-time event pipeline",
    "the customer onboarding flow",
    "an internal developer platform",
    "the search backend",
    "a fraud-rules engine",
    "the mobile checkout",
    "CI/CD for 40 services",
    "the data warehouse",
    "a recommendation API",
];
const OUTCOMES: &[&str] = &[
    "cutting latency by {p}%",
    "reducing cloud cost by {p}%",
    "raising conversion by {p}%",
    "serving {n} million requests a day",
    "with {p}% fewer incidents",
    "for {n} million users",
];
const CLOSERS: &[&str] = &[
    "I enjoy mentoring and clear code reviews.",
    "Looking for a team that values ownership and testing.",
    "Outside work I contribute to open source.",
    "I care about observability and calm on-call rotations.",
    "Comfortable across the stack and with ambiguity.",
    "Happy to work across time zones.",
];

fn fill(template: &str, rng: &mut Rng) -> String {
    template
        .replace("{p}", &rng.int(12, 70).to_string())
        .replace("{n}", &rng.int(2, 90).to_string())
}

/// A personal resume summary.
pub(crate) fn personal(years: f32, rng: &mut Rng) -> String {
    let role = rng.pick(ROLES);
    let d = rng.pick(DOMAINS);
    let (t1, t2, t3) = (rng.pick(TECH), rng.pick(TECH), rng.pick(TECH));
    let mut s = if years < 1.0 {
        format!("Recent graduate and {role} focused on {d} products, working in {t1} and {t2}. ")
    } else {
        format!(
            "{} with {} years of experience in {d}, mostly {t1} and {t2}. ",
            capitalise(role),
            years.round() as i64
        )
    };
    for _ in 0..rng.int(1, 3) {
        let outcome = fill(rng.choose(OUTCOMES), rng);
        s.push_str(&format!(
            "{} {} using {t3}, {outcome}. ",
            rng.pick(VERBS),
            rng.pick(THINGS)
        ));
    }
    s.push_str(rng.choose(CLOSERS));
    s
}

/// A template shared by a group (a farm, or a popular public template): fixed wording with slots
/// for the years of experience.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    text: String,
}

impl Template {
    pub(crate) fn new(rng: &mut Rng) -> Template {
        let role = rng.pick(ROLES);
        let (t1, t2, t3, t4) = (
            rng.pick(TECH),
            rng.pick(TECH),
            rng.pick(TECH),
            rng.pick(TECH),
        );
        let mut text = format!(
            "Results-driven {role} with {{years}} years of experience delivering scalable, secure and \
             high-performance solutions in {t1}, {t2}, {t3} and {t4}. "
        );
        for _ in 0..3 {
            let outcome = fill(rng.choose(OUTCOMES), rng);
            text.push_str(&format!(
                "{} {} {outcome}. ",
                rng.pick(VERBS),
                rng.pick(THINGS)
            ));
        }
        text.push_str("Proven track record of collaborating with cross-functional teams in fast-paced environments.");
        Template { text }
    }

    /// The template for one applicant: years filled in, and with probability `edit_p` per
    /// sentence a small edit (a word swapped, a sentence dropped).
    pub(crate) fn instance(&self, years: f32, edit_p: f64, rng: &mut Rng) -> String {
        let filled = self
            .text
            .replace("{years}", &(years.round() as i64).to_string());
        let mut out = String::with_capacity(filled.len());
        for sentence in filled.split_inclusive(". ") {
            if rng.chance(edit_p * 0.3) {
                continue;
            }
            if rng.chance(edit_p) {
                out.push_str(&sentence.replacen(' ', &format!(" {} ", rng.pick(TECH)), 1));
            } else {
                out.push_str(sentence);
            }
        }
        out
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
