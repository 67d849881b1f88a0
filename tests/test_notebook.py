"""The walk-through notebook runs end to end (so it cannot rot)."""

from __future__ import annotations

import nbclient
import nbformat

from conftest import REPO


def test_walkthrough_notebook_runs(tmp_path, monkeypatch):
    """Runs every cell without error, and leaves nothing behind in the temporary folder."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the kernel's tempfile folder
    nb = nbformat.read(REPO / "notebooks" / "walkthrough.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(REPO)}})  # fmt: skip
    client.execute()
    outputs = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not any(o.output_type == "error" for o in c.outputs) for c in outputs)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("cfp_lca_")]
