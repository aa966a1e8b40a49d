//! Generation parameters: [`GenerateParams`] collects them, [`GenerateParams::check`] validates
//! them into [`ValidGenerateParams`], the only type [`crate::generate`] accepts.

use appfraud_core::declare_params;
use chrono::{Datelike, Months, NaiveDate, TimeZone, Utc};

declare_params! {
    /// Settings of the generator before validation; the defaults make the built-in sample.
    /// [`GenerateParams::PARAMETERS`] lists every parameter with its default and range.
    params GenerateParams;
    /// Validated [`GenerateParams`], the only form [`crate::generate`] accepts.
    valid ValidGenerateParams;
    /// Number of applications to generate.
    applications: usize = 20000,
        valid "between 1 and 50000000" if |v| (1..=50_000_000).contains(v);
    /// Seed of every random draw: the same seed gives byte-identical files.
    seed: u64 = 42,
        valid "any unsigned 64-bit integer" if |_v| true;
    /// First day of the data window (UTC midnight).
    start: NaiveDate = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(), shown "2024-01-01",
        valid "a date between 1990 and 2100" if |v| (1990..=2100).contains(&v.year());
    /// Number of calendar quarters (three-month periods) the window spans.
    quarters: u32 = 8,
        valid "between 1 and 40" if |v| (1..=40).contains(v);
}

impl ValidGenerateParams {
    /// Quarter boundaries in microseconds since the epoch: `quarters + 1` instants, the last
    /// being the end of the window (the "as of" time of the data set).
    pub(crate) fn quarter_bounds(&self) -> Vec<i64> {
        (0..=self.quarters)
            .map(|q| {
                let day = self
                    .start
                    .checked_add_months(Months::new(3 * q))
                    .unwrap_or(self.start);
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
        assert_eq!(
            err.to_string(),
            "parameter applications = 0 is invalid; expected between 1 and 50000000"
        );
        let err = GenerateParams::new().quarters(41).check().unwrap_err();
        assert_eq!((err.name, err.value.as_str()), ("quarters", "41"));
        let early = NaiveDate::from_ymd_opt(1989, 12, 31).unwrap();
        let err = GenerateParams::new().start(early).check().unwrap_err();
        assert_eq!(err.name, "start");
        let valid = GenerateParams::new().check().expect("defaults are valid");
        assert_eq!(
            (valid.applications(), valid.seed(), valid.quarters()),
            (20_000, 42, 8)
        );
        assert_eq!(valid.start(), NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        let names: Vec<&str> = GenerateParams::PARAMETERS.iter().map(|p| p.name).collect();
        assert_eq!(names, ["applications", "seed", "start", "quarters"]);
        assert_eq!(GenerateParams::PARAMETERS[2].default, "2024-01-01");
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
