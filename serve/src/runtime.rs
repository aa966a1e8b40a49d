//! Finding the ONNX Runtime shared library and initialising it once per process.
//!
//! ort is built with `load-dynamic`: the library is opened at run time, and ort *panics* if it
//! cannot find one. So the library is located here first ([`locate_onnx_runtime`], a pure
//! function of its arguments), and ort only ever sees an absolute path to an existing file.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::environment::Environment;

use crate::ServeError;

/// The environment variable that names the library file explicitly.
pub const ORT_DYLIB_PATH: &str = "ORT_DYLIB_PATH";
/// The directory, inside a checkout, where `./dev ort` installs the library.
pub const LIBRARY_DIR: &str = ".ort";
/// The library file name inside [`LIBRARY_DIR`].
pub const LIBRARY_FILE: &str = "libonnxruntime.so";

/// Finds the ONNX Runtime shared library.
///
/// - If `env_value` (the value of `ORT_DYLIB_PATH`) is given and not empty, it must name an
///   existing file: there is no silent fallback to the search, so a typo is reported as such.
/// - Otherwise each directory of `search_from`, then each of its ancestors, is tried for
///   `.ort/libonnxruntime.so`; the first existing file wins.
///
/// The result is absolute (relative inputs are resolved against the current directory), because
/// ort resolves relative library paths against the executable's directory instead.
pub fn locate_onnx_runtime(
    env_value: Option<&OsStr>,
    search_from: &[PathBuf],
) -> Result<PathBuf, ServeError> {
    if let Some(value) = env_value.filter(|v| !v.is_empty()) {
        let path = PathBuf::from(value);
        return if path.is_file() {
            Ok(absolute(path))
        } else {
            Err(ServeError::OnnxRuntimeEnvPathInvalid { path })
        };
    }
    for dir in search_from {
        for ancestor in dir.ancestors() {
            let candidate = ancestor.join(LIBRARY_DIR).join(LIBRARY_FILE);
            if candidate.is_file() {
                return Ok(absolute(candidate));
            }
        }
    }
    Err(ServeError::OnnxRuntimeNotFound {
        searched: search_from.to_vec(),
    })
}

fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

/// The directories [`OnnxRuntime::init`] searches (each with its ancestors): the current
/// directory, the directory of the running executable, and the workspace root this crate was
/// compiled in (so tests and `cargo run` find the checkout's `.ort/` from anywhere).
pub fn default_search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        dirs.push(cwd);
    }
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        dirs.push(exe_dir);
    }
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    dirs.push(manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf());
    dirs.dedup();
    dirs
}

/// The process-wide ONNX Runtime: the library it was loaded from and ort's environment, which
/// every session is created in.
pub struct OnnxRuntime {
    library: PathBuf,
    environment: Environment,
}

impl std::fmt::Debug for OnnxRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxRuntime")
            .field("library", &self.library)
            .finish_non_exhaustive()
    }
}

static RUNTIME: OnceLock<Result<OnnxRuntime, ServeError>> = OnceLock::new();

impl OnnxRuntime {
    /// Locates the library (`ORT_DYLIB_PATH`, else [`default_search_dirs`]) and initialises ONNX
    /// Runtime. Only the first call in a process does the work; every later call returns the
    /// same runtime, or the same error.
    pub fn init() -> Result<&'static OnnxRuntime, ServeError> {
        RUNTIME
            .get_or_init(|| {
                let env_value = std::env::var_os(ORT_DYLIB_PATH);
                let library = locate_onnx_runtime(env_value.as_deref(), &default_search_dirs())?;
                Self::load(library)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn load(library: PathBuf) -> Result<OnnxRuntime, ServeError> {
        let unloadable = |reason: String| ServeError::OnnxRuntimeUnloadable {
            path: library.clone(),
            reason,
        };
        let environment = ort::init_from(&library)
            .map_err(|e| unloadable(e.to_string()))?
            .with_name("appfraud")
            .with_telemetry(false)
            .build()
            .map_err(|e| unloadable(e.to_string()))?;
        Ok(OnnxRuntime {
            library,
            environment,
        })
    }

    /// The library file ONNX Runtime was loaded from.
    pub fn library_path(&self) -> &Path {
        &self.library
    }

    pub(crate) fn environment(&self) -> &Environment {
        &self.environment
    }
}
