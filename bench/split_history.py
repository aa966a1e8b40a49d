"""Splits a data directory in time, for the nightly benchmark.

Usage: python bench/split_history.py DATA_DIR HISTORY_DIR NEW_DIR NEW_APPLICATIONS

The NEW_APPLICATIONS latest applications (by submitted_at) go to NEW_DIR with their telemetry and
labels; every other application goes to HISTORY_DIR with its telemetry and labels. Column types
are kept exactly (pyarrow, no pandas conversion). Reference files are copied to HISTORY_DIR only:
a nightly directory need not carry them. Prints the cut.
"""

import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


def read(path: Path) -> pa.Table:
    """A Parquet table with string views read as plain strings (what pyarrow's kernels take)."""
    t = pq.read_table(path)
    schema = pa.schema(
        [f.with_type(pa.string()) if f.type == pa.string_view() else f for f in t.schema]
    )
    return t.cast(schema)


def main() -> None:
    if len(sys.argv) != 5:
        sys.exit("usage: split_history.py DATA_DIR HISTORY_DIR NEW_DIR NEW_APPLICATIONS")
    data, history, new = (Path(p) for p in sys.argv[1:4])
    n_new = int(sys.argv[4])
    apps = read(data / "applications.parquet")
    order = pc.sort_indices(apps, sort_keys=[("submitted_at", "ascending")])
    new_ids = pc.take(apps["application_id"], order[len(order) - n_new :])
    for out in (history, new):
        out.mkdir(parents=True, exist_ok=True)
    for table in ("applications", "telemetry", "labels"):
        path = data / f"{table}.parquet"
        if not path.exists():
            continue
        t = read(path)
        is_new = pc.is_in(t["application_id"], value_set=new_ids)
        pq.write_table(t.filter(pc.invert(is_new)), history / f"{table}.parquet")
        pq.write_table(t.filter(is_new), new / f"{table}.parquet")
    shutil.copytree(data / "reference", history / "reference", dirs_exist_ok=True)
    print(f"{apps.num_rows - n_new} history applications, {n_new} new ones")


if __name__ == "__main__":
    main()
