//! ONNX Runtime through appfraud-serve: loading the library from the checkout's `.ort/`, running a
//! hand-made model, and the typed errors for a missing library and a wrong input size.
//!
//! No test here changes process environment variables: library location is tested through the
//! pure `locate_onnx_runtime`, and the real runtime is found through the default search (the
//! checkout this crate was built in), unless the person running the tests set `ORT_DYLIB_PATH`.

use std::ffi::OsStr;

use appfraud_onnx as onnx;
use appfraud_serve::{
    OnnxModel, OnnxRuntime, ServeError, default_search_dirs, locate_onnx_runtime, self_check,
};

/// Agreement required between ONNX Runtime (float32) and the hand-computed values: float32
/// rounding on these inputs stays below 1e-7, so 1e-6 leaves room and still catches real errors.
const TOLERANCE: f64 = 1e-6;

/// The fix every "not found" message must spell out.
const FIX: &str =
    "run ./dev ort in the appfraud checkout, or set ORT_DYLIB_PATH to libonnxruntime.so";

/// features [N,3] → MatMul(W=[0.5,-1.25,2.0]ᵀ) → Add(b=0.25) → Sigmoid → Reshape([-1]) → [N],
/// built here independently of the crate's own self-check model.
fn hand_made_logistic() -> Vec<u8> {
    let graph = onnx::graph(
        "test_logistic",
        vec![
            onnx::node("MatMul", &["features", "W"], &["xw"], vec![]),
            onnx::node("Add", &["xw", "b"], &["z"], vec![]),
            onnx::node("Sigmoid", &["z"], &["p"], vec![]),
            onnx::node("Reshape", &["p", "shape"], &["probability"], vec![]),
        ],
        vec![onnx::float_input_2d("features", "N", 3)],
        vec![onnx::float_output_1d("probability", "N")],
        vec![
            onnx::float_tensor("W", &[3, 1], &[0.5, -1.25, 2.0]),
            onnx::float_tensor("b", &[1], &[0.25]),
            onnx::int64_tensor("shape", &[1], &[-1]),
        ],
    );
    onnx::encode(&onnx::model(graph, onnx::default_opsets()))
}

fn load_hand_made() -> OnnxModel {
    match OnnxModel::from_bytes(&hand_made_logistic(), 1) {
        Ok(model) => model,
        Err(e) => panic!("the hand-made model must load (is .ort/ installed? `./dev ort`): {e}"),
    }
}

#[test]
fn runtime_loads_from_the_project_folder() {
    let runtime = OnnxRuntime::init().unwrap_or_else(|e| panic!("{e}"));
    let library = runtime.library_path();
    assert!(library.is_absolute(), "{}", library.display());
    assert!(library.is_file(), "{}", library.display());
    if std::env::var_os("ORT_DYLIB_PATH").is_none() {
        assert!(
            library.ends_with(".ort/libonnxruntime.so"),
            "{}",
            library.display()
        );
    }
    // Initialisation happens once: a second call hands back the same runtime.
    let again = OnnxRuntime::init().unwrap_or_else(|e| panic!("{e}"));
    assert!(std::ptr::eq(runtime, again));
}

#[test]
fn hand_made_model_scores_a_batch_as_computed_by_hand() {
    let mut model = load_hand_made();
    assert_eq!(model.n_features(), Some(3));

    // w = [0.5, -1.25, 2.0], b = 0.25, p = 1 / (1 + e^-z), z = w·x + b
    let rows: [([f32; 3], f64); 5] = [
        // z = 0.5·1 − 1.25·2 + 2·3 + 0.25 = 0.5 − 2.5 + 6 + 0.25 = 4.25 → p = 1/(1+e^−4.25)
        ([1.0, 2.0, 3.0], 0.985_936_372_956_754),
        // a row of zeros leaves the bias: z = 0.25 → p = 1/(1+e^−0.25)
        ([0.0, 0.0, 0.0], 0.562_176_500_885_798),
        // z = 0.5·2 − 1.25·0 + 2·(−1) + 0.25 = 1 − 2 + 0.25 = −0.75 → p = 1/(1+e^0.75)
        ([2.0, 0.0, -1.0], 0.320_821_300_824_607),
        // z = 0 − 1.25·4 + 2·1 + 0.25 = −5 + 2 + 0.25 = −2.75 → p = 1/(1+e^2.75)
        ([0.0, 4.0, 1.0], 0.060_086_650_174_008),
        // z = 0.5·(−8) − 1.25·6 + 2·(−2) + 0.25 = −4 − 7.5 − 4 + 0.25 = −15.25 → p = 1/(1+e^15.25)
        ([-8.0, 6.0, -2.0], 2.382_369_099_933_43e-7),
    ];
    let features: Vec<f32> = rows.iter().flat_map(|(x, _)| *x).collect();

    let scored = model
        .predict(&features, rows.len(), 3)
        .unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(scored.len(), rows.len());
    for ((x, expected), got) in rows.iter().zip(&scored) {
        let diff = (f64::from(*got) - expected).abs();
        assert!(
            diff <= TOLERANCE,
            "x = {x:?}: ONNX Runtime gave {got}, by hand {expected}, |diff| = {diff:e} > {TOLERANCE:e}"
        );
    }

    // Scoring one row alone gives the same number as within the batch.
    let single = model
        .predict(&features[..3], 1, 3)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(single, vec![scored[0]]);

    // No rows: no scores, no error.
    let empty = model.predict(&[], 0, 3).unwrap_or_else(|e| panic!("{e}"));
    assert!(empty.is_empty());
}

#[test]
fn self_check_passes() {
    let check = self_check().unwrap_or_else(|e| panic!("{e}"));
    assert!(check.max_abs_diff <= 1e-6, "{check:?}");
    assert!(check.rows >= 3);
    assert!(check.library.is_file());
}

#[test]
fn env_path_to_a_missing_file_is_a_typed_error_naming_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let missing = dir.path().join("nowhere").join("libonnxruntime.so");

    // Even with a search directory that does hold a library, a wrong ORT_DYLIB_PATH is reported,
    // not silently replaced.
    let err = locate_onnx_runtime(Some(missing.as_os_str()), &default_search_dirs())
        .expect_err("a missing ORT_DYLIB_PATH file must be an error");

    assert_eq!(
        err,
        ServeError::OnnxRuntimeEnvPathInvalid {
            path: missing.clone()
        }
    );
    let msg = err.to_string();
    assert!(msg.contains(&missing.display().to_string()), "{msg}");
    assert!(msg.contains("ORT_DYLIB_PATH"), "{msg}");
    assert!(msg.contains(FIX), "{msg}");
    assert!(err.is_user_error());
}

#[test]
fn no_library_in_the_search_dirs_is_a_typed_error_with_the_fix() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let searched = vec![dir.path().to_path_buf()];

    // An unset or empty ORT_DYLIB_PATH both mean "search".
    for env_value in [None, Some(OsStr::new(""))] {
        let err = locate_onnx_runtime(env_value, &searched)
            .expect_err("an empty directory tree has no library");
        assert_eq!(
            err,
            ServeError::OnnxRuntimeNotFound {
                searched: searched.clone()
            }
        );
        let msg = err.to_string();
        assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
        assert!(msg.contains(".ort/libonnxruntime.so"), "{msg}");
        assert!(msg.contains(FIX), "{msg}");
        assert!(err.is_user_error());
    }
}

#[test]
fn library_is_found_in_an_ancestor_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ort_dir = dir.path().join(".ort");
    let deep = dir.path().join("a").join("b");
    std::fs::create_dir_all(&ort_dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(&deep).unwrap_or_else(|e| panic!("{e}"));
    // Location only checks that the file exists; loading it is OnnxRuntime::init's job.
    std::fs::write(ort_dir.join("libonnxruntime.so"), b"not really")
        .unwrap_or_else(|e| panic!("{e}"));

    let found = locate_onnx_runtime(None, &[deep]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found, ort_dir.join("libonnxruntime.so"));
}

#[test]
fn wrong_input_length_is_a_typed_shape_error() {
    let mut model = load_hand_made();

    // 2 rows × 3 features need 6 values; 5 are given.
    let err = model
        .predict(&[1.0, 2.0, 3.0, 4.0, 5.0], 2, 3)
        .expect_err("5 values cannot be 2 rows of 3");
    assert!(matches!(err, ServeError::Shape { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("6 values") && msg.contains("5 values"),
        "{msg}"
    );
    assert!(err.is_user_error());

    // The right length but the wrong number of features for this model.
    let err = model
        .predict(&[1.0, 2.0, 3.0, 4.0], 2, 2)
        .expect_err("the model takes 3 features");
    assert!(matches!(err, ServeError::Shape { .. }), "{err:?}");

    // Overflowing sizes are reported, not wrapped.
    let err = model
        .predict(&[1.0], usize::MAX, 2)
        .expect_err("usize::MAX × 2 overflows");
    assert!(matches!(err, ServeError::Shape { .. }), "{err:?}");

    // The model still works after the errors.
    let ok = model
        .predict(&[1.0, 2.0, 3.0], 1, 3)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.len(), 1);
}

#[test]
fn bytes_that_are_not_a_model_are_a_typed_error() {
    for bytes in [&b"definitely not onnx"[..], &[]] {
        let err = OnnxModel::from_bytes(bytes, 1).expect_err("garbage must not load");
        assert!(matches!(err, ServeError::InvalidModel { .. }), "{err:?}");
        assert!(err.is_user_error());
    }
}

#[test]
fn a_model_without_the_contract_names_is_rejected() {
    // Same arithmetic, but the input is called "x": not an appfraud model.
    let graph = onnx::graph(
        "foreign",
        vec![onnx::node("Sigmoid", &["x"], &["probability"], vec![])],
        vec![onnx::float_value_info(
            "x",
            &[onnx::Dim::Named("N"), onnx::Dim::Fixed(3)],
        )],
        vec![onnx::float_value_info(
            "probability",
            &[onnx::Dim::Named("N"), onnx::Dim::Fixed(3)],
        )],
        vec![],
    );
    let bytes = onnx::encode(&onnx::model(graph, onnx::default_opsets()));
    let err = OnnxModel::from_bytes(&bytes, 1).expect_err("input must be named features");
    assert!(matches!(err, ServeError::ModelContract { .. }), "{err:?}");
    assert!(err.to_string().contains("\"features\""), "{err}");
}

#[test]
fn models_can_move_to_worker_threads() {
    // Parallel scoring holds one model per rayon worker: the model must be Send.
    fn assert_send<T: Send>() {}
    assert_send::<OnnxModel>();
}
