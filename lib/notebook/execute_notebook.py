"""Executes one notebook with nbclient (Debian's python3-nbclient) and the named kernel.

Used by lib/notebook/jupyter.ts instead of `jupyter nbconvert --execute` because nbconvert
reports a failing tslab cell with an empty message: tslab writes the error text to the cell's
stderr stream, not to the error output. This script prints that text.

usage: execute_notebook.py SRC DEST KERNEL TIMEOUT_SECONDS   (exit 0 ok, 3 a cell failed)
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.preprocessors import coalesce_streams


def write(nb, dest):
    # Consecutive stream outputs merged into one, as every Jupyter front end shows and saves them:
    # otherwise opening and saving the notebook rewrites them.
    nb, _ = coalesce_streams(nb, {})
    nbformat.write(nb, dest)


def failing_cell_report(index, cell, exc):
    stderr = "".join(o.get("text", "") for o in cell.get("outputs", [])
                     if o.get("output_type") == "stream" and o.get("name") == "stderr")
    detail = stderr.strip() or str(exc).strip()
    return "cell {} failed:\n{}\n--- error ---\n{}".format(index, cell.source, detail)


def main(src, dest, kernel, timeout):
    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=None if timeout < 0 else timeout,
        startup_timeout=120,
        record_timing=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}},
    )
    # Cell by cell (rather than client.execute()) so that we know which cell failed.
    with client.setup_kernel():
        # What the kernel reports about its language, stored as Jupyter front ends store it on
        # opening: a notebook written without it shows "unsaved changes" as soon as it is opened.
        info = client.wait_for_reply(client.kc.kernel_info())
        language_info = (info or {}).get("content", {}).get("language_info")
        if language_info:
            nb.metadata["language_info"] = language_info
        for index, cell in enumerate(nb.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as exc:
                write(nb, dest)
                print(failing_cell_report(index, cell, exc), file=sys.stderr)
                return 3
    write(nb, dest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
