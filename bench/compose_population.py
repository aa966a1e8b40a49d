"""Joins data directories generated with different seeds into one larger data directory.

`appfraud generate` holds a whole data set in memory, which at 10 million applications is more
than 24 GiB. A data set of that size is made instead from PARTS independent populations over the
same quarters (`appfraud generate --seed k`), each written by the generator: their rows are
concatenated, a row group at a time, and every id that could repeat across populations
(`application_id`, `session_id`) is prefixed with the population's number, so that ids stay
unique. The reference files are the same for every seed and are copied from the first part.

Usage: python compose_population.py OUT PART_DIR...
"""

import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

PREFIXED = ("application_id", "session_id")


def compose(out: Path, parts: list[Path]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for table in ("applications", "telemetry", "labels"):
        sources = [p / f"{table}.parquet" for p in parts]
        schema = pq.read_schema(sources[0])
        tmp = out / f".{table}.parquet.tmp"
        rows = 0
        with pq.ParquetWriter(tmp, schema) as writer:
            for k, source in enumerate(sources):
                file = pq.ParquetFile(source)
                if file.schema_arrow != schema:
                    sys.exit(f"{source}: schema differs from {sources[0]}")
                prefix = pa.scalar(f"p{k}-")
                for g in range(file.num_row_groups):
                    batch = file.read_row_group(g)
                    for name in PREFIXED:
                        if name in batch.column_names:
                            i = batch.column_names.index(name)
                            field = schema.field(name)
                            text = batch.column(i).cast(pa.string())
                            prefixed = pc.binary_join_element_wise(prefix, text, "")
                            batch = batch.set_column(i, field, prefixed.cast(field.type))
                    writer.write_table(batch)
                    rows += batch.num_rows
        tmp.rename(out / f"{table}.parquet")
        print(f"{table}: {rows} rows from {len(sources)} parts", flush=True)
    for name in ("ip_ranges.csv", "high_risk_institutions.csv"):
        first = (parts[0] / "reference" / name).read_bytes()
        for p in parts[1:]:
            if (p / "reference" / name).read_bytes() != first:
                sys.exit(f"{p}/reference/{name} differs from {parts[0]}'s")
    shutil.copytree(parts[0] / "reference", out / "reference", dirs_exist_ok=True)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    compose(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
