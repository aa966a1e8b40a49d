//! Reason sentences: how one feature's value reads to a reviewer.
//!
//! Every catalog entry carries a [`Sentence`] next to its description: a short clause in plain
//! English that is true for the value it is given ("applied from a hosting-provider network",
//! "3 other identities used the same shipping address on earlier applications"), with the
//! number formatted for people: counts as integers, shares as percentages, durations in hours,
//! days, months or years, latencies in milliseconds. A missing value (`NaN`) has a sentence of
//! its own, saying what was absent.
//!
//! A sentence holds only fixed text and the feature's value: never anything the applicant
//! typed (no email, phone, address, IP or name). It describes evidence, never a verdict, and
//! never mentions nationality, language, keyboard layout or a name as such.
//!
//! A value outside what the feature can take (a flag that is neither 0 nor 1, a negative or
//! fractional count, a share outside 0–1, an infinite value: possible only in a table of
//! features that did not come from the pipeline) has no catalog sentence; callers fall back to
//! [`generic_sentence`], which names the column and its value.

use std::borrow::Cow;

/// Text of a sentence; `{}` in an amount or count sentence stands for the formatted value.
type Text = Cow<'static, str>;

/// How a value is formatted inside an amount sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A share in 0–1, as a percentage ("42%"; "under 1%" and "over 99%" near the ends).
    Percent,
    /// Milliseconds ("4.5 ms", "132 ms", "1.5 seconds").
    Milliseconds,
    /// Minutes ("45 minutes", "5 hours 30 minutes").
    Minutes,
    /// Days, in the largest sensible unit ("14 hours", "12 days", "5 months", "3.2 years").
    Days,
    /// Years, one decimal ("2 years", "2.5 years"; "under 0.1 years" above 0).
    Years,
    /// A plain non-negative number ("12", "2.5").
    Number,
}

/// The shape of a feature's sentence.
#[derive(Clone)]
pub(crate) enum Reading {
    /// A 0/1 flag: the sentence for 1 and the sentence for 0.
    Flag { yes: Text, no: Text },
    /// A count of things, a non-negative integer: the sentences for 0, for 1 and for more
    /// (`{}` stands for the count).
    Count { zero: Text, one: Text, many: Text },
    /// A non-negative amount in `unit` (`{}` stands for the formatted value); `zero`, when
    /// given, is the sentence for exactly 0.
    Amount {
        unit: Unit,
        zero: Option<Text>,
        text: Text,
    },
    /// A sentence computed from the value; `None` outside the feature's values.
    Custom(fn(f32) -> Option<String>),
}

/// How a feature's value reads to a reviewer: a short plain-English clause that is true for the
/// value, with the number formatted for people (counts as integers, shares as percentages,
/// durations in hours, days, months or years, latencies in milliseconds), and a clause of its
/// own for a missing value (`NaN`). It holds fixed text and the value only, never personal
/// data, and describes evidence, never a verdict. Each feature of the catalog has one.
#[derive(Clone)]
pub struct Sentence {
    pub(crate) reading: Reading,
    missing: Text,
}

impl std::fmt::Debug for Sentence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sentence")
            .field("missing", &self.missing)
            .finish_non_exhaustive()
    }
}

impl Sentence {
    /// A 0/1 flag's sentences for 1 (`yes`) and 0 (`no`), and for a missing value.
    pub(crate) fn flag(
        yes: impl Into<Text>,
        no: impl Into<Text>,
        missing: impl Into<Text>,
    ) -> Self {
        Sentence {
            reading: Reading::Flag {
                yes: yes.into(),
                no: no.into(),
            },
            missing: missing.into(),
        }
    }

    /// A count's sentences for 0, 1 and more (`{}` in `many` is the count), and for a missing
    /// value.
    pub(crate) fn count(
        zero: impl Into<Text>,
        one: impl Into<Text>,
        many: impl Into<Text>,
        missing: impl Into<Text>,
    ) -> Self {
        Sentence {
            reading: Reading::Count {
                zero: zero.into(),
                one: one.into(),
                many: many.into(),
            },
            missing: missing.into(),
        }
    }

    /// An amount in `unit` (`{}` in `text` is the formatted value), and the sentence for a
    /// missing value.
    pub(crate) fn amount(unit: Unit, text: impl Into<Text>, missing: impl Into<Text>) -> Self {
        Sentence {
            reading: Reading::Amount {
                unit,
                zero: None,
                text: text.into(),
            },
            missing: missing.into(),
        }
    }

    /// A share in 0–1, shown as a percentage.
    pub(crate) fn share(text: impl Into<Text>, missing: impl Into<Text>) -> Self {
        Sentence::amount(Unit::Percent, text, missing)
    }

    /// The same sentence with its own wording for exactly 0 (amounts only).
    pub(crate) fn or_zero(mut self, text: impl Into<Text>) -> Self {
        if let Reading::Amount { zero, .. } = &mut self.reading {
            *zero = Some(text.into());
        }
        self
    }

    /// A sentence computed by `render` (`None` outside the feature's values), and the sentence
    /// for a missing value.
    pub(crate) fn custom(render: fn(f32) -> Option<String>, missing: impl Into<Text>) -> Self {
        Sentence {
            reading: Reading::Custom(render),
            missing: missing.into(),
        }
    }

    /// The sentence for `value` (`NaN` = missing); `None` when the value is not one the
    /// feature can take (module docs).
    pub fn render(&self, value: f32) -> Option<String> {
        if value.is_nan() {
            return Some(self.missing.to_string());
        }
        if !value.is_finite() {
            return None;
        }
        match &self.reading {
            Reading::Flag { yes, no } => {
                if value == 1.0 {
                    Some(yes.to_string())
                } else if value == 0.0 {
                    Some(no.to_string())
                } else {
                    None
                }
            }
            Reading::Count { zero, one, many } => {
                if value < 0.0 || value.fract() != 0.0 {
                    None
                } else if value == 0.0 {
                    Some(zero.to_string())
                } else if value == 1.0 {
                    Some(one.to_string())
                } else {
                    Some(many.replacen("{}", &count(value), 1))
                }
            }
            Reading::Amount { unit, zero, text } => {
                if value < 0.0 || (*unit == Unit::Percent && value > 1.0) {
                    return None;
                }
                match zero {
                    Some(zero) if value == 0.0 => Some(zero.to_string()),
                    _ => Some(text.replacen("{}", &amount(*unit, value), 1)),
                }
            }
            Reading::Custom(render) => render(value),
        }
    }
}

/// The sentence of a reason from a feature the catalog does not describe (a column of a table a
/// model was trained on with `train --table`, or a model trained elsewhere), or from a value the
/// catalog's sentence does not cover: the column's name and value and what they did, e.g.
/// "col_a = 3.2 raised the score".
pub fn generic_sentence(name: &str, value: f32) -> String {
    if value.is_nan() {
        format!("{name} is missing, which raised the score")
    } else if value.is_infinite() {
        let sign = if value > 0.0 { "" } else { "negative " };
        format!("{name} is {sign}infinite, which raised the score")
    } else {
        format!("{name} = {} raised the score", number(value))
    }
}

/// A count with thousands separators ("3", "1,234").
pub(crate) fn count(value: f32) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A finite number for people: an integer as an integer, otherwise two decimals from 1 on and
/// three significant digits below, trailing zeros removed ("3", "3.2", "0.0123").
pub(crate) fn number(value: f32) -> String {
    if value.fract() == 0.0 {
        return count(value);
    }
    let magnitude = value.abs();
    let decimals = if magnitude >= 1.0 {
        2
    } else {
        // 3 significant digits: 0.0123 has 4 decimals. Bounded: f32 has no digits past 45.
        (2 - magnitude.log10().floor() as i32).clamp(0, 45) as usize
    };
    trimmed(format!("{value:.decimals$}"))
}

/// `text` without trailing zeros after a decimal point (and without the point if nothing is
/// left after it).
fn trimmed(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// `n` and the noun, in the singular for exactly 1 ("1 day", "3 days").
fn plural(n: f64, text: &str, one: &str, many: &str) -> String {
    if text == "1" && n == 1.0 {
        format!("1 {one}")
    } else {
        format!("{text} {many}")
    }
}

/// A non-negative finite value in `unit` (see [`Unit`]).
pub(crate) fn amount(unit: Unit, value: f32) -> String {
    let v = f64::from(value);
    match unit {
        Unit::Percent => percent(v),
        Unit::Milliseconds => {
            if v < 10.0 {
                format!("{} ms", trimmed(format!("{v:.1}")))
            } else if v < 1000.0 {
                format!("{v:.0} ms")
            } else {
                let s = trimmed(format!("{:.1}", v / 1000.0));
                plural(v / 1000.0, &s, "second", "seconds")
            }
        }
        Unit::Minutes => minutes(v),
        Unit::Days => days(v),
        Unit::Years => {
            let rounded = (v * 10.0).round() / 10.0;
            if rounded == 0.0 && v > 0.0 {
                return "under 0.1 years".to_owned();
            }
            plural(rounded, &trimmed(format!("{v:.1}")), "year", "years")
        }
        Unit::Number => number(value),
    }
}

/// A share in 0–1 as a whole percentage; a share that is not exactly 0 or 1 never rounds to
/// "0%" or "100%".
fn percent(v: f64) -> String {
    if v > 0.0 && v < 0.005 {
        "under 1%".to_owned()
    } else if (0.995..1.0).contains(&v) {
        "over 99%".to_owned()
    } else {
        format!("{:.0}%", v * 100.0)
    }
}

/// Minutes as minutes below an hour, else hours and minutes ("5 hours 30 minutes").
fn minutes(v: f64) -> String {
    let total = v.round();
    let hours = (total / 60.0).floor();
    let rest = total - hours * 60.0;
    let h = plural(hours, &format!("{hours:.0}"), "hour", "hours");
    let m = plural(rest, &format!("{rest:.0}"), "minute", "minutes");
    match (hours > 0.0, rest > 0.0) {
        (false, false) if v > 0.0 => "less than a minute".to_owned(),
        (false, _) => m,
        (true, false) => h,
        (true, true) => format!("{h} {m}"),
    }
}

/// Days in the largest sensible unit: hours below a day, days up to two months, months up to
/// two years, years (one decimal) beyond.
fn days(v: f64) -> String {
    const DAYS_PER_MONTH: f64 = 365.25 / 12.0;
    if v < 1.0 {
        let hours = (v * 24.0).round();
        if hours < 1.0 {
            "less than an hour".to_owned()
        } else {
            plural(hours, &format!("{hours:.0}"), "hour", "hours")
        }
    } else if v < 61.0 {
        let d = v.round();
        plural(d, &format!("{d:.0}"), "day", "days")
    } else if v < 730.0 {
        let m = (v / DAYS_PER_MONTH).round();
        plural(m, &format!("{m:.0}"), "month", "months")
    } else {
        let years = v / 365.25;
        trimmed(format!("{years:.1}")) + " years"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_for_people() {
        // Reference: the formatting rules of the functions' docs, written out by hand; exact
        // strings, no tolerance.
        assert_eq!(count(0.0), "0");
        assert_eq!(count(7.0), "7");
        assert_eq!(count(1234.0), "1,234");
        assert_eq!(count(1_000_000.0), "1,000,000");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(3.2), "3.2");
        assert_eq!(number(4.56789), "4.57");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(0.012_345), "0.0123");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(amount(Unit::Percent, 0.0), "0%");
        assert_eq!(amount(Unit::Percent, 0.004), "under 1%");
        assert_eq!(amount(Unit::Percent, 0.426), "43%");
        assert_eq!(amount(Unit::Percent, 0.996), "over 99%");
        assert_eq!(amount(Unit::Percent, 1.0), "100%");
        assert_eq!(amount(Unit::Milliseconds, 4.46), "4.5 ms");
        assert_eq!(amount(Unit::Milliseconds, 3.0), "3 ms");
        assert_eq!(amount(Unit::Milliseconds, 132.4), "132 ms");
        assert_eq!(amount(Unit::Milliseconds, 1500.0), "1.5 seconds");
        assert_eq!(amount(Unit::Milliseconds, 1000.0), "1 second");
        assert_eq!(amount(Unit::Minutes, 0.0), "0 minutes");
        assert_eq!(amount(Unit::Minutes, 0.4), "less than a minute");
        assert_eq!(amount(Unit::Minutes, 1.0), "1 minute");
        assert_eq!(amount(Unit::Minutes, 45.0), "45 minutes");
        assert_eq!(amount(Unit::Minutes, 60.0), "1 hour");
        assert_eq!(amount(Unit::Minutes, 330.0), "5 hours 30 minutes");
        assert_eq!(amount(Unit::Minutes, 61.0), "1 hour 1 minute");
        assert_eq!(amount(Unit::Days, 0.01), "less than an hour");
        assert_eq!(amount(Unit::Days, 0.5), "12 hours");
        assert_eq!(amount(Unit::Days, 1.2), "1 day");
        assert_eq!(amount(Unit::Days, 12.0), "12 days");
        assert_eq!(amount(Unit::Days, 152.0), "5 months");
        assert_eq!(amount(Unit::Days, 1168.8), "3.2 years");
        assert_eq!(amount(Unit::Days, 730.5), "2 years");
        assert_eq!(amount(Unit::Years, 1.0), "1 year");
        assert_eq!(amount(Unit::Years, 0.0), "0 years");
        assert_eq!(amount(Unit::Years, 0.04), "under 0.1 years");
        assert_eq!(amount(Unit::Years, 2.5), "2.5 years");
        assert_eq!(amount(Unit::Number, 12.0), "12");
    }

    #[test]
    fn each_reading_covers_its_values_and_refuses_the_rest() {
        let flag = Sentence::flag("yes", "no", "absent");
        assert_eq!(flag.render(1.0).as_deref(), Some("yes"));
        assert_eq!(flag.render(0.0).as_deref(), Some("no"));
        assert_eq!(flag.render(f32::NAN).as_deref(), Some("absent"));
        assert_eq!(flag.render(0.5), None);
        assert_eq!(flag.render(f32::INFINITY), None);
        let c = Sentence::count("none", "one thing", "{} things", "absent");
        assert_eq!(c.render(0.0).as_deref(), Some("none"));
        assert_eq!(c.render(1.0).as_deref(), Some("one thing"));
        assert_eq!(c.render(2500.0).as_deref(), Some("2,500 things"));
        assert_eq!(c.render(2.5), None);
        assert_eq!(c.render(-1.0), None);
        let s = Sentence::share("{} of it", "absent").or_zero("none of it");
        assert_eq!(s.render(0.25).as_deref(), Some("25% of it"));
        assert_eq!(s.render(0.0).as_deref(), Some("none of it"));
        assert_eq!(s.render(1.5), None);
        assert_eq!(s.render(-0.1), None);
    }

    #[test]
    fn the_generic_sentence_names_the_column_and_its_value() {
        assert_eq!(
            generic_sentence("col_a", 3.2),
            "col_a = 3.2 raised the score"
        );
        assert_eq!(generic_sentence("n", 4.0), "n = 4 raised the score");
        assert_eq!(
            generic_sentence("col_a", f32::NAN),
            "col_a is missing, which raised the score"
        );
        assert_eq!(
            generic_sentence("x", f32::NEG_INFINITY),
            "x is negative infinite, which raised the score"
        );
    }
}
