"""Executes a Jupyter notebook headless with nbclient, as tests/notebook.rs does.

Usage: run_notebook.py NOTEBOOK [--cwd DIR] [--timeout SECONDS] [--save FILE]

The kernel is this interpreter's (ipykernel, over local IPC sockets rather than TCP), started in
--cwd (default: the notebook's folder) with this process's environment. Every cell runs in
order, each within --timeout seconds (default 300). The notebook file is never written; --save
writes the executed copy, with its outputs, to FILE (also when a cell failed). On success it
prints one line per executed code cell and exits 0; when a cell fails (an exception, or a cell
past its timeout) it prints that cell's number (from 0 in notebook order, markdown cells
included), its source and the error with its traceback, and exits 1.
"""

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--cwd", help="the kernel's working directory (default: the notebook's)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    parser.add_argument("--save", help="write the executed notebook, with outputs, to this file")
    args = parser.parse_args()
    path = Path(args.notebook)
    nb = nbformat.read(path, as_version=4)
    cwd = args.cwd or str(path.resolve().parent)
    # The kernel's IPC sockets go to a directory of their own, removed at the end.
    sockets = tempfile.TemporaryDirectory(prefix="run-notebook-")
    client = NotebookClient(
        nb,
        km=AsyncKernelManager(
            kernel_name="python3", transport="ipc", ip=str(Path(sockets.name) / "kernel")
        ),
        timeout=args.timeout,
        kernel_name="python3",
        resources={"metadata": {"path": cwd}},
        allow_errors=False,
    )
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    started = time.monotonic()
    current = {"index": None}

    def on_cell_execute(cell, cell_index):
        current["index"] = cell_index
        current["started"] = time.monotonic()

    def on_cell_executed(cell, cell_index, execute_reply):
        status = execute_reply["content"]["status"]
        seconds = time.monotonic() - current["started"]
        print(f"cell {cell_index}: {status} ({seconds:.1f} s)", flush=True)

    client.on_cell_execute = on_cell_execute
    client.on_cell_executed = on_cell_executed
    try:
        client.execute(cleanup_kc=True)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        i = current["index"]
        print(f"{path}: cell {i} failed", file=sys.stderr)
        if i is not None:
            print(f"--- source of cell {i} ---", nb.cells[i].source, "--- error ---", sep="\n",
                  file=sys.stderr)
        # IPython colours its tracebacks; a test log wants plain text.
        print(re.sub(r"\x1b\[[0-9;]*m", "", str(e)), file=sys.stderr)
        return 1
    finally:
        if args.save:
            nbformat.write(nb, args.save)
        sockets.cleanup()
    print(f"{path}: {len(code_cells)} code cells ran in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
