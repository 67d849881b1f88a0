"""Shared fixtures: a private Brightway directory for the whole session, and a built project.

bw2data reads BRIGHTWAY2_DIR once, at import, so it is set here before anything imports it;
tests never touch the user's Brightway data.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import warnings
from pathlib import Path

BW_DIR = Path(tempfile.mkdtemp(prefix="cfp_lca_test_bw_"))
os.environ["BRIGHTWAY2_DIR"] = str(BW_DIR)
# the catalog cache of the session (commands started by the tests inherit it): never the
# user's own cache folder, nor inside the Brightway directory the tests compare file by file
CACHE_DIR = Path(tempfile.mkdtemp(prefix="cfp_lca_test_cache_"))
os.environ["CFP_LCA_CACHE_DIR"] = str(CACHE_DIR)
os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings("ignore", message="(?s).*pypardiso")

import pytest  # noqa: E402
from browser import browser  # noqa: E402, F401  (one Chromium for the session, defined once)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "databases"
TEST_PROJECT = "cfp_test"


VOLATILE = (".log", ".lock")  # bw2data's logs and cfp_lca's lock: not project content


def brightway_checksum(root: Path | None = None) -> dict[str, tuple[int, str]]:
    """Relative path -> (size, sha256) of every file under a Brightway data directory (the
    session's by default), logs and locks aside: equal before and after means untouched."""
    if root is None:
        import bw2data as bd

        root = Path(bd.projects._base_data_dir)
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(VOLATILE) and "logs" not in path.parts:
            data = path.read_bytes()
            out[str(path.relative_to(root))] = (len(data), hashlib.sha256(data).hexdigest())
    return out


@pytest.fixture(scope="session")
def catalog():
    """The shipped data directory, loaded and validated."""
    from cfp_lca.model.loading import load_catalog

    return load_catalog(DATA)


@pytest.fixture(scope="session")
def built(catalog):
    """The shipped catalog written into the Brightway project 'cfp_test'."""
    from cfp_lca.brightway.project import open_project
    from cfp_lca.brightway.writing import write_catalog

    open_project(TEST_PROJECT)
    write_catalog(catalog)
    return catalog


@pytest.fixture(autouse=True, scope="module")
def _session_project_current():
    """Each test file starts in the session's project once it is built: a file that switched
    to a project of its own never leaves the next file computing there (with several
    processes, any file may follow any other)."""
    import sys

    bd = sys.modules.get("bw2data")
    if bd is not None and TEST_PROJECT in bd.projects and bd.projects.current != TEST_PROJECT:
        bd.projects.set_current(TEST_PROJECT, update=False)


@pytest.fixture(scope="module")
def restore_project():
    """For modules whose commands switch Brightway's current project: switch back after."""
    import bw2data as bd

    before = bd.projects.current
    yield
    bd.projects.set_current(before, update=False)


@pytest.fixture()
def data_copy(tmp_path):
    """A writable copy of databases/, for tests that break a file on purpose."""
    target = tmp_path / "databases"
    shutil.copytree(DATA, target)
    return target


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(BW_DIR, ignore_errors=True)
    shutil.rmtree(CACHE_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def fixture_catalog():
    """The engine tests' fixture models (tests/fixtures/models) written into the project
    'cfp_fixture'; the current project is left as it was."""
    from fixture_models import write_fixture_project

    return write_fixture_project()


@pytest.fixture()
def on_fixture(fixture_catalog):
    """``fixture_catalog``, with 'cfp_fixture' the current project during the test only."""
    from fixture_models import current_project

    with current_project():
        yield fixture_catalog
