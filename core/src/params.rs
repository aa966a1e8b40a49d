//! Parameter tables declared once: name, type, default, valid range and doc in one place.
//!
//! Every set of user-settable parameters (the GBDT's, the logistic regression's, the
//! generator's, the top-level training keys) is written as one
//! [`declare_params!`](crate::declare_params) block. From it the macro generates:
//!
//! - the builder (`Params::new()` or `Params::default()`, then one setter per parameter), which
//!   the caller may also make deserialisable from a configuration file with `serde` attributes;
//! - `check()`, which validates every parameter and returns the validated type, the only one the
//!   library accepts, or a [`ParamError`] naming the first parameter out of range;
//! - the validated type's getters, one per parameter;
//! - the `PARAMETERS` and `TABLES` descriptions ([`ParamInfo`], [`ParamTable`]) and `help()`,
//!   from which command-line help is generated.
//!
//! Nothing about a parameter is written twice.

use std::fmt;

/// The description of one parameter, as declared in its
/// [`declare_params!`](crate::declare_params) block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// The name, as used in the builder method and in configuration files.
    pub name: &'static str,
    /// The default value, as written in the declaration (for example `"1e-5"`).
    pub default: &'static str,
    /// The valid range, in words (for example `"a finite number ≥ 0"`).
    pub range: &'static str,
    /// What the parameter does: the lines of its doc comment, each ending in `\n` and keeping
    /// the space that follows `///`.
    pub doc: &'static str,
}

impl ParamInfo {
    /// The doc comment as one line of text (lines joined by single spaces).
    pub fn doc_line(&self) -> String {
        join_lines(self.doc)
    }
}

/// A nested table of parameters (a `[name]` section of a configuration file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamTable {
    /// The table's name, as the key of its section.
    pub name: &'static str,
    /// What the table holds: the lines of its doc comment, each ending in `\n`.
    pub doc: &'static str,
    /// Its parameters, in declaration order.
    pub params: &'static [ParamInfo],
}

/// A parameter outside its valid range: the one error every parameter table reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    /// The nested table holding the parameter (for example `Some("gbdt")`), `None` at the top.
    pub table: Option<&'static str>,
    /// The parameter's name, as in the builder method and the configuration file.
    pub name: &'static str,
    /// The value given, formatted with `Debug`.
    pub value: String,
    /// The valid range, in words.
    pub expected: &'static str,
}

impl ParamError {
    /// The same error, reported as a parameter of the nested table `table`; an error already
    /// tagged with a table keeps that (innermost) table.
    pub fn in_table(self, table: &'static str) -> ParamError {
        ParamError {
            table: Some(self.table.unwrap_or(table)),
            ..self
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("parameter ")?;
        if let Some(table) = self.table {
            write!(f, "{table}.")?;
        }
        write!(
            f,
            "{} = {} is invalid; expected {}",
            self.name, self.value, self.expected
        )
    }
}

impl std::error::Error for ParamError {}

/// Help text for a parameter set: each parameter with its default, range and doc, then each
/// nested table under a `[name]` header. This is what `help()` of a declared set returns.
pub fn help_text(params: &[ParamInfo], tables: &[ParamTable]) -> String {
    let mut out = String::new();
    push_params(&mut out, params);
    for table in tables {
        out.push('\n');
        out.push_str(&format!("[{}]  {}\n", table.name, join_lines(table.doc)));
        push_params(&mut out, table.params);
    }
    out
}

fn push_params(out: &mut String, params: &[ParamInfo]) {
    for p in params {
        out.push_str(&format!(
            "  {} = {}  ({})\n      {}\n",
            p.name,
            p.default,
            p.range,
            p.doc_line()
        ));
    }
}

fn join_lines(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Declares a parameter set: a builder, its validated type and the description of every
/// parameter, from one list.
///
/// Each parameter is `/// doc` then `name: Type = default, valid "range in words" if |v| check;`
/// where `v` is bound to `&Type` and `check` is a `bool` expression; `shown "text"` after the
/// default replaces how the default is printed in help (for defaults that are not literals).
/// After the parameters, `table /// doc name: Params => ValidParams;` lines nest other declared
/// sets (a `[name]` section of a configuration file). Attributes before `params` and `valid`
/// (doc comments, derives, `serde` options) are put on the builder and the validated type.
///
/// Generated, for `params P; valid V;`:
///
/// - `P` (private fields) with `Default` (every default), `P::new()`, one setter per parameter
///   and per table, `P::check(self) -> Result<V, ParamError>` (ranges in declaration order, then
///   each table's own `check`, its error tagged with the table's name), `P::PARAMETERS`,
///   `P::TABLES` and `P::help()`;
/// - `V` (private fields) with one getter per parameter (returning a clone of the value) and per
///   table (returning a reference to the validated table).
///
/// Parameter types must be `Clone + Debug + PartialEq`; tables must themselves be declared with
/// this macro.
///
/// ```
/// use appfraud_core::{ParamError, declare_params};
///
/// declare_params! {
///     /// Smoothing settings, readable from a configuration file.
///     #[derive(serde::Deserialize)]
///     #[serde(deny_unknown_fields, default)]
///     params SmoothingParams;
///     /// Checked [`SmoothingParams`].
///     valid ValidSmoothingParams;
///     /// Weight of the newest observation.
///     alpha: f64 = 0.5, valid "a number in (0, 1]" if |v| *v > 0.0 && *v <= 1.0;
///     /// Observations averaged before the first output.
///     warm_up: usize = 3, valid "an integer ≥ 1" if |v| *v >= 1;
/// }
///
/// declare_params! {
///     /// Everything a run needs.
///     #[derive(serde::Deserialize)]
///     #[serde(deny_unknown_fields, default)]
///     params RunParams;
///     /// Checked [`RunParams`].
///     valid ValidRunParams;
///     /// Number of runs.
///     runs: u32 = 1, valid "an integer in 1..=10" if |v| (1..=10).contains(v);
///     table
///     /// How the series is smoothed.
///     smoothing: SmoothingParams => ValidSmoothingParams;
/// }
///
/// let valid = SmoothingParams::new().alpha(0.25).check()?;
/// assert_eq!((valid.alpha(), valid.warm_up()), (0.25, 3));
///
/// let err = SmoothingParams::new().alpha(1.5).check().unwrap_err();
/// assert_eq!(err.to_string(), "parameter alpha = 1.5 is invalid; expected a number in (0, 1]");
///
/// let err = RunParams::new().smoothing(SmoothingParams::new().warm_up(0)).check().unwrap_err();
/// assert_eq!((err.table, err.name), (Some("smoothing"), "warm_up"));
///
/// let names: Vec<&str> = SmoothingParams::PARAMETERS.iter().map(|p| p.name).collect();
/// assert_eq!(names, ["alpha", "warm_up"]);
/// assert_eq!(RunParams::TABLES[0].name, "smoothing");
/// assert!(RunParams::help().contains("[smoothing]"));
///
/// let read: SmoothingParams = serde_json::from_str(r#"{"warm_up": 5}"#).unwrap();
/// assert_eq!(read, SmoothingParams::new().warm_up(5));
/// assert!(serde_json::from_str::<SmoothingParams>(r#"{"beta": 1}"#).is_err());
/// # Ok::<(), ParamError>(())
/// ```
#[macro_export]
macro_rules! declare_params {
    (
        $(#[$params_attr:meta])*
        params $Params:ident;
        $(#[$valid_attr:meta])*
        valid $Valid:ident;
        $(
            $(#[doc = $doc:literal])+
            $name:ident: $ty:ty = $default:expr $(, shown $shown:literal)?,
                valid $range:literal if |$v:ident| $ok:expr;
        )+
        $(
            table
            $(#[doc = $table_doc:literal])+
            $table:ident: $TableParams:ty => $TableValid:ty;
        )*
    ) => {
        $(#[$params_attr])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $Params {
            $(
                $(#[doc = $doc])+
                $name: $ty,
            )+
            $(
                $(#[doc = $table_doc])+
                $table: $TableParams,
            )*
        }

        impl ::core::default::Default for $Params {
            fn default() -> Self {
                Self {
                    $($name: $default,)+
                    $($table: <$TableParams as ::core::default::Default>::default(),)*
                }
            }
        }

        impl $Params {
            /// Every parameter with its default, valid range and doc, in declaration order
            /// (nested tables are in [`TABLES`](Self::TABLES)).
            pub const PARAMETERS: &'static [$crate::params::ParamInfo] = &[$(
                $crate::params::ParamInfo {
                    name: stringify!($name),
                    default: $crate::declare_params!(@shown $default $(, $shown)?),
                    range: $range,
                    doc: concat!($($doc, "\n"),+),
                },
            )+];

            /// The nested tables, in declaration order, each with its parameters.
            pub const TABLES: &'static [$crate::params::ParamTable] = &[$(
                $crate::params::ParamTable {
                    name: stringify!($table),
                    doc: concat!($($table_doc, "\n"),+),
                    params: <$TableParams>::PARAMETERS,
                },
            )*];

            /// All parameters at their defaults.
            pub fn new() -> Self {
                <Self as ::core::default::Default>::default()
            }

            /// Every parameter (and every nested table's) with its default, range and doc, as
            /// text for command-line help.
            pub fn help() -> ::std::string::String {
                $crate::params::help_text(Self::PARAMETERS, Self::TABLES)
            }

            $(
                $(#[doc = $doc])+
                #[doc = ""]
                #[doc = concat!(
                    "Default `", $crate::declare_params!(@shown $default $(, $shown)?),
                    "`; valid: ", $range, "."
                )]
                #[must_use]
                pub fn $name(mut self, $name: $ty) -> Self {
                    self.$name = $name;
                    self
                }
            )+

            $(
                $(#[doc = $table_doc])+
                #[must_use]
                pub fn $table(mut self, $table: $TableParams) -> Self {
                    self.$table = $table;
                    self
                }
            )*

            /// Validates every parameter and returns the validated set, the only form the
            /// library accepts.
            ///
            /// # Errors
            ///
            /// A `ParamError` naming the first parameter (in declaration order, nested tables
            /// last) outside its range.
            pub fn check(self) -> ::core::result::Result<$Valid, $crate::params::ParamError> {
                $(
                    {
                        let $v: &$ty = &self.$name;
                        if !($ok) {
                            return ::core::result::Result::Err($crate::params::ParamError {
                                table: ::core::option::Option::None,
                                name: stringify!($name),
                                value: ::std::format!("{:?}", self.$name),
                                expected: $range,
                            });
                        }
                    }
                )+
                ::core::result::Result::Ok($Valid {
                    $($name: self.$name,)+
                    $(
                        $table: self
                            .$table
                            .check()
                            .map_err(|e| e.in_table(stringify!($table)))?,
                    )*
                })
            }
        }

        $(#[$valid_attr])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $Valid {
            $($name: $ty,)+
            $($table: $TableValid,)*
        }

        impl $Valid {
            $(
                $(#[doc = $doc])+
                pub fn $name(&self) -> $ty {
                    ::core::clone::Clone::clone(&self.$name)
                }
            )+

            $(
                $(#[doc = $table_doc])+
                pub fn $table(&self) -> &$TableValid {
                    &self.$table
                }
            )*
        }
    };
    (@shown $default:expr) => { stringify!($default) };
    (@shown $default:expr, $shown:literal) => { $shown };
}

#[cfg(test)]
mod tests {
    use super::*;

    declare_params! {
        /// Inner test set.
        params Inner;
        /// Checked [`Inner`].
        valid ValidInner;
        /// A ratio.
        ratio: f64 = 0.5, valid "a number in [0, 1]" if |v| (0.0..=1.0).contains(v);
        /// A list with a printed default.
        list: Vec<u8> = Vec::new(), shown "[]", valid "at most 2 entries" if |v| v.len() <= 2;
    }

    declare_params! {
        /// Outer test set.
        params Outer;
        /// Checked [`Outer`].
        valid ValidOuter;
        /// A count
        /// on two doc lines.
        count: u32 = 7, valid "an integer ≥ 1" if |v| *v >= 1;
        table
        /// The inner table.
        inner: Inner => ValidInner;
    }

    #[test]
    fn tables_describe_every_parameter_as_declared() {
        assert_eq!(
            Inner::PARAMETERS,
            &[
                ParamInfo {
                    name: "ratio",
                    default: "0.5",
                    range: "a number in [0, 1]",
                    doc: " A ratio.\n",
                },
                ParamInfo {
                    name: "list",
                    default: "[]",
                    range: "at most 2 entries",
                    doc: " A list with a printed default.\n",
                },
            ]
        );
        assert_eq!(Outer::PARAMETERS[0].doc_line(), "A count on two doc lines.");
        assert_eq!(Outer::TABLES.len(), 1);
        assert_eq!(Outer::TABLES[0].name, "inner");
        assert_eq!(Outer::TABLES[0].params, Inner::PARAMETERS);
        assert!(Inner::TABLES.is_empty());
    }

    #[test]
    fn check_validates_in_order_and_tags_nested_errors() {
        let valid = Outer::new().check().expect("defaults are valid");
        assert_eq!(valid.count(), 7);
        assert_eq!(valid.inner().ratio(), 0.5);
        assert!(valid.inner().list().is_empty());

        let err = Outer::new().count(0).check().unwrap_err();
        assert_eq!(
            err,
            ParamError {
                table: None,
                name: "count",
                value: "0".into(),
                expected: "an integer ≥ 1",
            }
        );
        assert_eq!(
            err.to_string(),
            "parameter count = 0 is invalid; expected an integer ≥ 1"
        );

        // Both invalid: the top-level parameter is reported first.
        let both = Outer::new()
            .count(0)
            .inner(Inner::new().ratio(2.0))
            .check()
            .unwrap_err();
        assert_eq!(both.name, "count");

        let nested = Outer::new()
            .inner(Inner::new().ratio(f64::NAN))
            .check()
            .unwrap_err();
        assert_eq!((nested.table, nested.name), (Some("inner"), "ratio"));
        assert_eq!(
            nested.to_string(),
            "parameter inner.ratio = NaN is invalid; expected a number in [0, 1]"
        );
        let list = Inner::new().list(vec![1, 2, 3]).check().unwrap_err();
        assert_eq!((list.name, list.value.as_str()), ("list", "[1, 2, 3]"));
    }

    #[test]
    fn help_lists_defaults_ranges_docs_and_tables() {
        let help = Outer::help();
        let expected = "  count = 7  (an integer ≥ 1)\n      A count on two doc lines.\n\
             \n[inner]  The inner table.\n\
             \x20 ratio = 0.5  (a number in [0, 1])\n      A ratio.\n\
             \x20 list = []  (at most 2 entries)\n      A list with a printed default.\n";
        assert_eq!(help, expected);
        assert!(Inner::help().starts_with("  ratio = 0.5  (a number in [0, 1])\n"));
    }
}
