//! Generation parameters: [`GenerateParams`] collects them, [`GenerateParams::check`] validates
//! them into [`ValidGenerateParams`], the only type [`crate::generate`] accepts.

use chrono::{Datelike, Months, NaiveDate, TimeZone, Utc};

use crate::SynthError;

/// Declares each parameter once: name, type, default, valid range and documentation.
macro_rules! params {
    ($( $(#[doc = $doc:expr])* $name:ident : $ty:ty = $default:expr, valid($v:ident) $check:expr, $expected:expr; )*) => {
        /// Settings of the generator before validation. Defaults make the built-in sample.
        #[derive(Debug, Clone, PartialEq)]
        pub struct GenerateParams {
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        impl Default for GenerateParams {
            fn default() -> Self {
                GenerateParams { $( $name: $default, )* }
            }
        }

        impl GenerateParams {
            $(
                $(#[doc = $doc])*
                pub fn $name(mut self, value: $ty) -> Self {
                    self.$name = value;
                    self
                }
            )*

            /// Validates every parameter; the first one out of range is reported.
            pub fn check(self) -> Result<ValidGenerateParams, SynthError> {
                $(
                    let $v = &self.$name;
                    if !($check) {
                        return Err(SynthError::InvalidParam {
                            name: stringify!($name),
                            value: format!("{:?}", self.$name),
                            expected: $expected,
                        });
                    }
                )*
                Ok(ValidGenerateParams(self))
            }
        }
    };
}

params! {
    /// Number of applications to generate.
    applications: usize = 20_000, valid(v) (1..=50_000_000).contains(v), "between 1 and 50000000";
    /// Seed of every random draw: the same seed gives byte-identical files.
    seed: u64 = 42, valid(_v) true, "any unsigned 64-bit integer";
    /// First day of the data window (UTC midnight).
    start: NaiveDate = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(), valid(v) (1990..=2100).contains(&v.year()), "a date between 1990 and 2100";
    /// Number of calendar quarters (three-month periods) the window spans.
    quarters: u32 = 8, valid(v) (1..=40).contains(v), "between 1 and 40";
}

impl GenerateParams {
    /// Default parameters.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Validated parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidGenerateParams(GenerateParams);

impl ValidGenerateParams {
    /// The parameters as given.
    pub fn params(&self) -> &GenerateParams {
        &self.0
    }

    /// Quarter boundaries in microseconds since the epoch: `quarters + 1` instants, the last
    /// being the end of the window (the "as of" time of the data set).
    pub(crate) fn quarter_bounds(&self) -> Vec<i64> {
        (0..=self.0.quarters)
            .map(|q| {
                let day = self
                    .0
                    .start
                    .checked_add_months(Months::new(3 * q))
                    .unwrap_or(self.0.start);
                let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
                Utc.from_utc_datetime(&midnight).timestamp_micros()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_values_name_the_parameter() {
        let err = GenerateParams::new().applications(0).check().unwrap_err();
        assert!(err.to_string().contains("applications"), "{err}");
        let err = GenerateParams::new().quarters(0).check().unwrap_err();
        assert!(err.to_string().contains("quarters"), "{err}");
        assert!(GenerateParams::new().check().is_ok());
    }

    #[test]
    fn quarters_are_calendar_months() {
        let p = GenerateParams::new()
            .start(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
            .quarters(2)
            .check()
            .unwrap();
        let b = p.quarter_bounds();
        // 2024-01-01, 2024-04-01, 2024-07-01 at 00:00 UTC (2024 is a leap year: 91 days to April).
        assert_eq!(b[1] - b[0], 91 * appfraud_core::primitives::MICROS_PER_DAY);
        assert_eq!(b[2] - b[1], 91 * appfraud_core::primitives::MICROS_PER_DAY);
    }
}
