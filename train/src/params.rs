//! Hyperparameters declared once: name, type, default, valid range and doc in one place.
//!
//! A model's parameters are written as one `declare_params!` block. From it the macro
//! generates the builder (`Params`, deserialisable from a config file with unknown keys
//! refused and missing keys defaulted), its `check()` that returns the validated type (the only
//! one a model can be trained with), the validated type's getters, and a [`ParamInfo`] table
//! from which CLI help and documentation are generated. Nothing about a parameter is written
//! twice.

/// The description of one hyperparameter, as declared in its `declare_params!` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// The name, as used in the builder method and in config files.
    pub name: &'static str,
    /// The default value, as written in the declaration (for example `"1e-5"`).
    pub default: &'static str,
    /// The valid range, in words (for example `"a finite number >= 0"`).
    pub range: &'static str,
    /// What the parameter does: the lines of its doc comment, each ending in `\n` and keeping
    /// the space that follows `///`.
    pub doc: &'static str,
}

/// Declares a parameter set. Syntax:
///
/// ```ignore
/// declare_params! {
///     /// Doc of the builder.
///     params LogisticParams;
///     /// Doc of the validated type.
///     valid ValidLogisticParams;
///     /// Doc of the parameter.
///     alpha: f64 = 1.0, "a finite number >= 0" if |v| v.is_finite() && v >= 0.0;
/// }
/// ```
///
/// Parameter types must be `Copy + Debug + Serialize + Deserialize`.
macro_rules! declare_params {
    (
        $(#[doc = $params_doc:literal])*
        params $Params:ident;
        $(#[doc = $valid_doc:literal])*
        valid $Valid:ident;
        $(
            $(#[doc = $doc:literal])+
            $name:ident: $ty:ty = $default:expr, $range:literal if |$v:ident| $ok:expr;
        )+
    ) => {
        $(#[doc = $params_doc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $Params {
            $(
                $(#[doc = $doc])+
                $name: $ty,
            )+
        }

        impl Default for $Params {
            fn default() -> Self {
                Self { $($name: $default,)+ }
            }
        }

        impl $Params {
            /// Every parameter with its default, valid range and doc, in declaration order.
            pub const PARAMETERS: &'static [$crate::params::ParamInfo] = &[$(
                $crate::params::ParamInfo {
                    name: stringify!($name),
                    default: stringify!($default),
                    range: $range,
                    doc: concat!($($doc, "\n"),+),
                },
            )+];

            /// All parameters at their defaults.
            pub fn new() -> Self {
                Self::default()
            }

            $(
                $(#[doc = $doc])+
                #[doc = ""]
                #[doc = concat!("Default `", stringify!($default), "`; valid: ", $range, ".")]
                pub fn $name(mut self, $name: $ty) -> Self {
                    self.$name = $name;
                    self
                }
            )+

            /// Validates every parameter and returns the validated set, the only one a model
            /// can be trained with.
            ///
            /// # Errors
            ///
            /// [`TrainError::InvalidArgument`](crate::TrainError::InvalidArgument) naming the
            /// first parameter (in declaration order) outside its range.
            pub fn check(&self) -> Result<$Valid, $crate::TrainError> {
                $(
                    {
                        let $v: $ty = self.$name;
                        if !($ok) {
                            return Err($crate::TrainError::InvalidArgument {
                                name: stringify!($name),
                                value: format!("{:?}", self.$name),
                                expected: $range.to_owned(),
                            });
                        }
                    }
                )+
                Ok($Valid { $($name: self.$name,)+ })
            }
        }

        $(#[doc = $valid_doc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        pub struct $Valid {
            $($name: $ty,)+
        }

        impl $Valid {
            $(
                $(#[doc = $doc])+
                pub fn $name(&self) -> $ty {
                    self.$name
                }
            )+
        }
    };
}

pub(crate) use declare_params;
