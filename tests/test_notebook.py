"""The walk-through notebook runs end to end (so it cannot rot)."""

from __future__ import annotations

import nbclient
import nbformat

from conftest import REPO


def test_walkthrough_notebook_runs(tmp_path, monkeypatch):
    """Runs every cell without error or log lines, shows DataFrames and figures inline, and
    leaves nothing behind in the temporary folder."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the kernel's tempfile folder
    nb = nbformat.read(REPO / "notebooks" / "walkthrough.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(REPO)}})  # fmt: skip
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    streams = [o.text for o in outputs if o.output_type == "stream"]
    assert not [t for t in streams if "INFO" in t or "brightway" in t.lower()], streams
    assert any("image/png" in o.get("data", {}) for o in outputs)  # figures inline
    assert any("text/html" in o.get("data", {}) for o in outputs)  # DataFrames
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("cfp_lca_")]
