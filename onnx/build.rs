//! Compiles the vendored `onnx-ml.proto` with protox (pure Rust, no `protoc`) and prost.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto/onnx-ml.proto");
    let descriptors = protox::compile(["onnx-ml.proto"], ["proto"])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}
