"""Batch scoring of an appfraud feature table with PySpark and ONNX Runtime.

This is the part of the nightly job that spreads over a cluster: the feature table (what
`appfraud features` writes, one row per application, one Float32 column per feature) is cut
into partitions, and each partition is scored where it lies with the model package's
`model.onnx`. It gives the same `probability`, `band` and `model` columns as

    appfraud score --model MODEL_DIR --table FEATURES.parquet --out SCORES.parquet

(`tests/distributed_spark.rs` holds the two to 1e-6 on the built-in sample.)

How a partition is scored (`score_dataframe`):

- The driver reads the package: `manifest.json` (its own SHA-256 checked as `appfraud` checks it)
  and `model.onnx` (its SHA-256 checked against the manifest), and broadcasts the model's bytes,
  so executors need no shared file system.
- The feature columns are selected by name in the manifest's `feature_set.features` order and
  cast to float32 (booleans to 0/1, null to NaN); other columns are ignored, as `appfraud score
  --table` ignores them.
- `mapInPandas` runs one function per partition; it opens one `onnxruntime.InferenceSession` (one
  intra-op thread: Spark already runs one task per core) and feeds it every Arrow batch of the
  partition as a float32 matrix under the manifest's `onnx.input` name, reading `onnx.output`.
- `band` is `verify` if probability >= `bands.verify`, else `review` if >= `bands.review`, else
  `clear`, compared in float64 as `appfraud` does; `model` is the manifest's `model_id`.
- A row that breaks the model's input contract (a NaN in a feature whose missing policy is
  `never`, or an infinite value) is kept with a null probability and band and the reason in
  `error`, worded as `appfraud score` words it.

Output columns: the id column (`application_id` by default), `submitted_at` when the table has
it, `probability` (float), `band`, `model`, `error`. Reason codes (TreeSHAP) are not computed
here: `appfraud score` computes them, for the flagged rows only, on one machine.

Command line (Spark in local mode, `local[2]` by default, no UI, no network):

    python spark_score.py --model MODEL_DIR --table FEATURES.parquet --out SCORES.parquet

`--out` is written as Spark writes Parquet: a directory of part files, one per partition, which
polars (`pl.read_parquet("SCORES.parquet/*.parquet")`), pyarrow and Spark read as one table.
Needs Java 17 or later (`java` on PATH or JAVA_HOME; Debian: `apt-get install
openjdk-17-jre-headless`) and the Python packages pinned in `./dev` (pyspark, pyarrow, pandas,
numpy, onnxruntime).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

# The manifest format this module reads (`format_version` in manifest.json).
MANIFEST_FORMAT = 2


class PackageError(Exception):
    """A model package this module refuses: a missing or edited file, another format."""


def load_package(model_dir: str | os.PathLike) -> tuple[dict, bytes]:
    """Reads and verifies a model package: returns (manifest, bytes of model.onnx).

    Checks what `appfraud` checks before scoring with a package's ONNX model: the manifest's
    format version, its own digest (`manifest_sha256`: the SHA-256 of manifest.json with that
    field's value blank) and the SHA-256 the manifest records for `model.onnx`.
    """
    model_dir = Path(model_dir)
    path = model_dir / "manifest.json"
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise PackageError(
            f"{path}: cannot be read ({e.strerror}); is {model_dir} a model package?"
        ) from e
    manifest = json.loads(raw)
    version = manifest.get("format_version")
    if version != MANIFEST_FORMAT:
        raise PackageError(
            f"{path}: format_version {version}, this module reads {MANIFEST_FORMAT}"
        )
    recorded = manifest["manifest_sha256"]
    field = f'"manifest_sha256": "{recorded}"'.encode()
    if raw.count(field) != 1:
        raise PackageError(f"{path}: its digest field does not occur exactly once in its text")
    actual = hashlib.sha256(raw.replace(field, b'"manifest_sha256": ""')).hexdigest()
    if actual != recorded:
        raise PackageError(f"{path}: edited (SHA-256 {actual}, recorded {recorded})")
    onnx_file = manifest["onnx"]["file"]
    model = (model_dir / onnx_file).read_bytes()
    expected = {f["name"]: f["sha256"] for f in manifest["files"]}.get(onnx_file)
    actual = hashlib.sha256(model).hexdigest()
    if actual != expected:
        raise PackageError(
            f"{model_dir / onnx_file}: SHA-256 {actual}, the manifest records {expected}"
        )
    return manifest, model


def band_of(probability: np.ndarray, bands: dict) -> np.ndarray:
    """The band of each probability (float64 comparison, thresholds closed below)."""
    p = np.asarray(probability, dtype=np.float64)
    review = np.where(p >= bands["review"], "review", "clear")
    return np.where(p >= bands["verify"], "verify", review)


def contract_errors(x: np.ndarray, names: list[str], never: np.ndarray) -> list[str | None]:
    """Why each row of the float32 matrix `x` cannot be scored, or None: the first feature (in
    manifest order) that is infinite, or missing (NaN) although its policy is `never`."""
    bad = np.isinf(x) | (np.isnan(x) & never[None, :])
    errors: list[str | None] = [None] * len(x)
    for i in np.flatnonzero(bad.any(axis=1)):
        j = int(np.argmax(bad[i]))
        if np.isinf(x[i, j]):
            errors[i] = f"feature {names[j]} is infinite"
        else:
            errors[i] = (
                f"feature {names[j]} is missing but the model requires it on every application"
            )
    return errors


def rust_float(v: float) -> str:
    """A non-finite float as `appfraud` prints it in its `error` column (NaN, inf, -inf)."""
    if np.isnan(v):
        return "NaN"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return str(v)


def make_partition_scorer(manifest: dict, model_bytes, passthrough: list[str]):
    """The function `mapInPandas` runs on each partition.

    `model_bytes` is the bytes of model.onnx or a Spark broadcast of them; `passthrough` the
    columns copied to the output unchanged (the id, and `submitted_at` when present). One
    InferenceSession is opened per partition, on its first batch.
    """
    names = [f["name"] for f in manifest["feature_set"]["features"]]
    never = np.array([f["missing"] == "never" for f in manifest["feature_set"]["features"]])
    bands = manifest["bands"]
    model_id = manifest["model_id"]
    input_name = manifest["onnx"]["input"]
    output_name = manifest["onnx"]["output"]

    def score_partition(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        data = model_bytes.value if hasattr(model_bytes, "value") else model_bytes
        session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        for batch in batches:
            x = np.ascontiguousarray(batch[names].to_numpy(dtype=np.float32, na_value=np.nan))
            if len(x):
                p = session.run([output_name], {input_name: x})[0].reshape(-1).astype(np.float32)
            else:
                p = np.zeros(0, dtype=np.float32)
            errors = contract_errors(x, names, never)
            for i in np.flatnonzero(~np.isfinite(p)):
                if errors[i] is None:
                    errors[i] = f"the model returned {rust_float(p[i])}"
            scored = np.array([e is None for e in errors], dtype=bool)
            out = batch[passthrough].reset_index(drop=True)
            # NaN becomes null on the way to Arrow; an unscored row has no band.
            out["probability"] = np.where(scored, p, np.nan).astype(np.float32)
            out["band"] = np.where(scored, band_of(p, bands).astype(object), None)
            out["model"] = model_id
            out["error"] = np.array(errors, dtype=object)
            yield out

    return score_partition


def score_dataframe(df, model_dir: str | os.PathLike, id_column: str = "application_id"):
    """Scores the Spark DataFrame `df` of features with the package `model_dir`; returns a
    DataFrame with the id column, `submitted_at` (when `df` has it), `probability`, `band`,
    `model` and `error`, one row per input row."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    manifest, model = load_package(model_dir)
    names = [f["name"] for f in manifest["feature_set"]["features"]]
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise PackageError(
            f"the table lacks {len(missing)} of the model's {len(names)} feature columns, "
            f"first `{missing[0]}` (see manifest.json; `appfraud features` writes them all)"
        )
    if id_column not in df.columns:
        raise PackageError(f"the table has no id column `{id_column}` (--id names another)")
    for name in names:
        t = df.schema[name].dataType
        if not isinstance(t, (T.NumericType, T.BooleanType)):
            raise PackageError(
                f"column `{name}` has type {t.simpleString()}, expected numbers or booleans"
            )
    passthrough = [id_column] + (["submitted_at"] if "submitted_at" in df.columns else [])
    spark = df.sparkSession
    # Executors import this module by name when unpickling the scorer.
    spark.sparkContext.addPyFile(str(Path(__file__).resolve()))
    model_bytes = spark.sparkContext.broadcast(model)
    selected = df.select(
        F.col(id_column).cast("string").alias(id_column),
        *([F.col("submitted_at")] if "submitted_at" in passthrough else []),
        *[F.col(n).cast("float").alias(n) for n in names],
    )
    out_schema = T.StructType(
        [T.StructField(id_column, T.StringType())]
        + ([selected.schema["submitted_at"]] if "submitted_at" in passthrough else [])
        + [
            T.StructField("probability", T.FloatType()),
            T.StructField("band", T.StringType()),
            T.StructField("model", T.StringType()),
            T.StructField("error", T.StringType()),
        ]
    )
    scorer = make_partition_scorer(manifest, model_bytes, passthrough)
    return selected.mapInPandas(scorer, out_schema)


def local_session(master: str = "local[2]", app_name: str = "appfraud-score"):
    """A SparkSession in local mode that needs no network and shows no UI: the driver bound to
    the loopback address, UTC session time zone, few shuffle partitions, Arrow batches."""
    from pyspark.sql import SparkSession

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise RuntimeError(
            "Spark needs a Java runtime (17 or later) and none was found: no `java` on PATH and no "
            "JAVA_HOME (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
        )
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("SPARK_LOCAL_HOSTNAME", "localhost")
    # Workers run this interpreter, with its packages (onnxruntime).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # Timestamps as Parquet's µs UTC type (what `appfraud` writes), not Spark's legacy INT96.
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def read_table(spark, path: str):
    """A feature table as a Spark DataFrame: Parquet (a file or a directory of parts) or CSV
    (header row, `.csv`)."""
    if str(path).lower().endswith(".csv"):
        return spark.read.csv(str(path), header=True, inferSchema=True)
    return spark.read.parquet(str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Score an appfraud feature table with PySpark (local mode) and ONNX Runtime.",
    )
    arg = parser.add_argument
    arg("--model", required=True, help="model package directory (manifest.json, model.onnx)")
    arg("--table", required=True, help="feature table: Parquet file or directory, or CSV")
    arg("--out", required=True, help="output Parquet dataset (a directory of parts), replaced")
    arg("--id", default="application_id", help="id column of the table (default application_id)")
    arg("--master", default="local[2]", help="local master, local[N] (default local[2])")
    arg("--partitions", type=int, default=0, help="repartition the table into N partitions first")
    args = parser.parse_args(argv)
    try:
        load_package(args.model)
    except (PackageError, OSError, KeyError, ValueError) as e:
        print(f"spark_score: {e}", file=sys.stderr)
        return 2
    if not Path(args.table).exists():
        print(f"spark_score: --table {args.table}: no such file", file=sys.stderr)
        return 2
    if not args.master.startswith("local"):
        print(
            "spark_score: the command line runs Spark in local mode (--master local[N]); "
            "on a cluster, call score_dataframe() from the cluster's own Spark job",
            file=sys.stderr,
        )
        return 2
    try:
        spark = local_session(args.master)
    except RuntimeError as e:
        print(f"spark_score: {e}", file=sys.stderr)
        return 2
    try:
        df = read_table(spark, args.table)
        if args.partitions > 0:
            df = df.repartition(args.partitions)
        try:
            scores = score_dataframe(df, args.model, args.id)
        except PackageError as e:
            print(f"spark_score: {args.table}: {e}", file=sys.stderr)
            return 2
        scores.write.mode("overwrite").parquet(args.out)
        written = spark.read.parquet(args.out)
        counts = {r["band"]: r["count"] for r in written.groupBy("band").count().collect()}
        print(
            f"spark_score: wrote {args.out} ({written.count()} rows; "
            + ", ".join(f"{b}: {counts.get(b, 0)}" for b in ("clear", "review", "verify"))
            + f", unscored: {counts.get(None, 0)})"
        )
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
