//! # appfraud-onnx: the ONNX file format in pure Rust
//!
//! This crate is the ONNX protobuf schema (`onnx-ml.proto`, vendored under `proto/`) compiled to
//! Rust types by `build.rs` with `protox` and `prost`: no `protoc` binary and no Python are needed
//! to build it. On top of the generated types it offers a handful of small helpers for building
//! graphs (tensors, nodes, attributes, typed inputs and outputs, a model with its opset imports)
//! and for encoding and decoding a model.
//!
//! Users:
//! - `appfraud-train`'s exporter writes `model.onnx` with it;
//! - `appfraud-serve` decodes a package's `model.onnx` to read back the tree ensemble, the
//!   calibration and the linear model (for its native evaluator and reason codes), and builds a
//!   tiny logistic model in memory for its ONNX Runtime self-check.
//!
//! Things to know:
//! - The schema is **proto2**, so every scalar field is an `Option<T>` (`Some(..)` means "present
//!   on the wire") and enum fields are plain `i32`s (`DataType::Float as i32`).
//! - The defaults written here are the verified ones: IR version [`IR_VERSION`] = 8, default-domain
//!   opset [`DEFAULT_OPSET`] = 17, `ai.onnx.ml` opset [`ML_OPSET`] = 3. A model written this way
//!   passes `onnx.checker.check_model(full_check=True)` and runs in ONNX Runtime (1.31).
//! - The batch dimension of inputs and outputs is *named* (`dim_param`), never left unknown: some
//!   runtimes (tract) require it.

/// The types generated from `onnx-ml.proto` (package `onnx`) by prost.
#[allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    rustdoc::all,
    reason = "generated code"
)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/onnx.rs"));
}

use prost::Message;
use proto::{
    AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    TensorShapeProto, TypeProto, ValueInfoProto, attribute_proto::AttributeType,
    tensor_proto::DataType, tensor_shape_proto::Dimension, tensor_shape_proto::dimension,
    type_proto,
};

/// ONNX IR version written into every model.
pub const IR_VERSION: i64 = 8;
/// Opset version of the default (`""`, i.e. `ai.onnx`) operator domain.
pub const DEFAULT_OPSET: i64 = 17;
/// Name of the classical machine-learning operator domain (tree ensembles, linear classifiers).
pub const ML_DOMAIN: &str = "ai.onnx.ml";
/// Opset version of the [`ML_DOMAIN`] operator domain.
pub const ML_OPSET: i64 = 3;
/// `producer_name` written into models built with [`model`].
pub const PRODUCER_NAME: &str = "appfraud";

/// One operator-set import: `domain` (`""` for the default domain) at `version`.
pub fn opset(domain: &str, version: i64) -> OperatorSetIdProto {
    OperatorSetIdProto {
        domain: Some(domain.to_owned()),
        version: Some(version),
    }
}

/// The usual imports: the default domain at [`DEFAULT_OPSET`] and [`ML_DOMAIN`] at [`ML_OPSET`].
pub fn default_opsets() -> Vec<OperatorSetIdProto> {
    vec![opset("", DEFAULT_OPSET), opset(ML_DOMAIN, ML_OPSET)]
}

/// A float32 tensor (typically a graph initializer) with the given `dims`, stored in `float_data`.
///
/// The caller keeps `values.len()` equal to the product of `dims`; ONNX Runtime rejects the model
/// otherwise.
pub fn float_tensor(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
    TensorProto {
        name: Some(name.to_owned()),
        dims: dims.to_vec(),
        data_type: Some(DataType::Float as i32),
        float_data: values.to_vec(),
        ..TensorProto::default()
    }
}

/// An int64 tensor (e.g. the `shape` input of `Reshape`), stored in `int64_data`.
pub fn int64_tensor(name: &str, dims: &[i64], values: &[i64]) -> TensorProto {
    TensorProto {
        name: Some(name.to_owned()),
        dims: dims.to_vec(),
        data_type: Some(DataType::Int64 as i32),
        int64_data: values.to_vec(),
        ..TensorProto::default()
    }
}

/// A node of the default domain. Its `name` is derived from the first output so that runtime
/// error messages can point at it.
pub fn node(
    op_type: &str,
    inputs: &[&str],
    outputs: &[&str],
    attributes: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| (*s).to_owned()).collect(),
        output: outputs.iter().map(|s| (*s).to_owned()).collect(),
        name: outputs.first().map(|o| format!("{op_type}_{o}")),
        op_type: Some(op_type.to_owned()),
        attribute: attributes,
        ..NodeProto::default()
    }
}

/// A node of the [`ML_DOMAIN`] domain (e.g. `TreeEnsembleClassifier`, `LinearClassifier`).
pub fn ml_node(
    op_type: &str,
    inputs: &[&str],
    outputs: &[&str],
    attributes: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        domain: Some(ML_DOMAIN.to_owned()),
        ..node(op_type, inputs, outputs, attributes)
    }
}

fn attribute(name: &str, kind: AttributeType) -> AttributeProto {
    AttributeProto {
        name: Some(name.to_owned()),
        r#type: Some(kind as i32),
        ..AttributeProto::default()
    }
}

/// A `FLOAT` attribute.
pub fn attr_float(name: &str, value: f32) -> AttributeProto {
    AttributeProto {
        f: Some(value),
        ..attribute(name, AttributeType::Float)
    }
}

/// An `INT` attribute.
pub fn attr_int(name: &str, value: i64) -> AttributeProto {
    AttributeProto {
        i: Some(value),
        ..attribute(name, AttributeType::Int)
    }
}

/// A `STRING` attribute (UTF-8 bytes).
pub fn attr_string(name: &str, value: &str) -> AttributeProto {
    AttributeProto {
        s: Some(value.as_bytes().to_vec()),
        ..attribute(name, AttributeType::String)
    }
}

/// A `FLOATS` attribute.
pub fn attr_floats(name: &str, values: &[f32]) -> AttributeProto {
    AttributeProto {
        floats: values.to_vec(),
        ..attribute(name, AttributeType::Floats)
    }
}

/// An `INTS` attribute.
pub fn attr_ints(name: &str, values: &[i64]) -> AttributeProto {
    AttributeProto {
        ints: values.to_vec(),
        ..attribute(name, AttributeType::Ints)
    }
}

/// A `STRINGS` attribute (each string as UTF-8 bytes).
pub fn attr_strings<S: AsRef<str>>(name: &str, values: &[S]) -> AttributeProto {
    AttributeProto {
        strings: values
            .iter()
            .map(|s| s.as_ref().as_bytes().to_vec())
            .collect(),
        ..attribute(name, AttributeType::Strings)
    }
}

/// One dimension of a tensor type: named (symbolic, e.g. the batch size) or fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim<'a> {
    /// A symbolic dimension (`dim_param`), e.g. `"N"`.
    Named(&'a str),
    /// A fixed dimension (`dim_value`).
    Fixed(i64),
}

/// A float32 tensor value description with the given dimensions.
pub fn float_value_info(name: &str, dims: &[Dim<'_>]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|d| Dimension {
            denotation: None,
            value: Some(match d {
                Dim::Named(param) => dimension::Value::DimParam((*param).to_owned()),
                Dim::Fixed(size) => dimension::Value::DimValue(*size),
            }),
        })
        .collect();
    ValueInfoProto {
        name: Some(name.to_owned()),
        r#type: Some(TypeProto {
            denotation: None,
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: Some(DataType::Float as i32),
                shape: Some(TensorShapeProto { dim }),
            })),
        }),
        ..ValueInfoProto::default()
    }
}

/// A float32 `[batch, n_features]` input whose batch dimension is named `batch_dim_name`.
///
/// `n_features` beyond `i64::MAX` (not reachable in practice) is written as `i64::MAX`.
pub fn float_input_2d(name: &str, batch_dim_name: &str, n_features: usize) -> ValueInfoProto {
    let n = i64::try_from(n_features).unwrap_or(i64::MAX);
    float_value_info(name, &[Dim::Named(batch_dim_name), Dim::Fixed(n)])
}

/// A float32 `[batch]` output whose only dimension is named `batch_dim_name`.
pub fn float_output_1d(name: &str, batch_dim_name: &str) -> ValueInfoProto {
    float_value_info(name, &[Dim::Named(batch_dim_name)])
}

/// A graph from its parts.
pub fn graph(
    name: &str,
    nodes: Vec<NodeProto>,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
    initializers: Vec<TensorProto>,
) -> GraphProto {
    GraphProto {
        name: Some(name.to_owned()),
        node: nodes,
        input: inputs,
        output: outputs,
        initializer: initializers,
        ..GraphProto::default()
    }
}

/// A model at [`IR_VERSION`] holding `graph`, importing `opsets` (see [`default_opsets`]), with
/// producer [`PRODUCER_NAME`] and this crate's version.
pub fn model(graph: GraphProto, opsets: Vec<OperatorSetIdProto>) -> ModelProto {
    ModelProto {
        ir_version: Some(IR_VERSION),
        opset_import: opsets,
        producer_name: Some(PRODUCER_NAME.to_owned()),
        producer_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        graph: Some(graph),
        ..ModelProto::default()
    }
}

/// The model serialised to ONNX (protobuf) bytes, as written to `model.onnx`.
pub fn encode(model: &ModelProto) -> Vec<u8> {
    model.encode_to_vec()
}

/// Parses ONNX (protobuf) bytes into a model.
pub fn decode(bytes: &[u8]) -> Result<ModelProto, prost::DecodeError> {
    ModelProto::decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logistic() -> ModelProto {
        let g = graph(
            "logistic",
            vec![
                node("MatMul", &["features", "W"], &["z0"], vec![]),
                node("Add", &["z0", "b"], &["z"], vec![]),
                node("Sigmoid", &["z"], &["p"], vec![]),
                node("Reshape", &["p", "flat"], &["probability"], vec![]),
            ],
            vec![float_input_2d("features", "N", 3)],
            vec![float_output_1d("probability", "N")],
            vec![
                float_tensor("W", &[3, 1], &[0.5, -1.25, 2.0]),
                float_tensor("b", &[1], &[0.25]),
                int64_tensor("flat", &[1], &[-1]),
            ],
        );
        model(g, default_opsets())
    }

    #[test]
    fn model_round_trips_through_encode_and_decode() {
        let m = logistic();
        let bytes = encode(&m);
        assert!(!bytes.is_empty());
        let back = decode(&bytes).expect("decode what we just encoded");
        assert_eq!(back, m);
        assert_eq!(back.ir_version, Some(8));
        assert_eq!(back.opset_import.len(), 2);
        assert_eq!(back.opset_import[1].domain.as_deref(), Some("ai.onnx.ml"));
        assert_eq!(back.opset_import[1].version, Some(3));
    }

    #[test]
    fn helpers_fill_the_proto2_fields() {
        let m = logistic();
        let g = m.graph.as_ref().expect("graph present");
        assert_eq!(g.node[0].op_type.as_deref(), Some("MatMul"));
        assert_eq!(g.node[0].name.as_deref(), Some("MatMul_z0"));
        assert_eq!(g.node[0].domain, None);
        assert_eq!(g.initializer[0].dims, vec![3, 1]);
        assert_eq!(g.initializer[0].data_type, Some(DataType::Float as i32));
        assert_eq!(g.initializer[0].float_data, vec![0.5, -1.25, 2.0]);
        assert_eq!(g.initializer[2].int64_data, vec![-1]);

        // The batch dimension is named and the feature dimension fixed.
        let Some(type_proto::Value::TensorType(t)) =
            g.input[0].r#type.as_ref().and_then(|t| t.value.as_ref())
        else {
            panic!("input is not a tensor type");
        };
        assert_eq!(t.elem_type, Some(DataType::Float as i32));
        let dims: Vec<_> = t
            .shape
            .as_ref()
            .expect("shape present")
            .dim
            .iter()
            .map(|d| d.value.clone())
            .collect();
        assert_eq!(
            dims,
            vec![
                Some(dimension::Value::DimParam("N".into())),
                Some(dimension::Value::DimValue(3))
            ]
        );
    }

    #[test]
    fn attributes_and_ml_nodes() {
        let n = ml_node(
            "LinearClassifier",
            &["features"],
            &["label", "scores"],
            vec![
                attr_floats("coefficients", &[1.0, 2.0]),
                attr_ints("classlabels_ints", &[0, 1]),
                attr_string("post_transform", "LOGISTIC"),
                attr_strings("names", &["a", "b"]),
                attr_int("multi_class", 0),
                attr_float("alpha", 0.5),
            ],
        );
        assert_eq!(n.domain.as_deref(), Some(ML_DOMAIN));
        let kinds: Vec<_> = n.attribute.iter().map(|a| a.r#type).collect();
        assert_eq!(
            kinds,
            [
                AttributeType::Floats,
                AttributeType::Ints,
                AttributeType::String,
                AttributeType::Strings,
                AttributeType::Int,
                AttributeType::Float
            ]
            .map(|k| Some(k as i32))
        );
        assert_eq!(n.attribute[2].s.as_deref(), Some(&b"LOGISTIC"[..]));
        assert_eq!(n.attribute[3].strings, vec![b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(n.attribute[5].f, Some(0.5));
    }

    #[test]
    fn decode_rejects_garbage() {
        assert!(decode(&[0xff, 0xff, 0xff]).is_err());
    }
}
