"""Put a ``# yaml-language-server: $schema=...`` first line in every data file under the
folders given (idempotent), so editors validate them against docs/schemas.

    python tools/stamp_schema.py databases scenarios [--schemas docs/schemas]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cfp_lca.model.reference import stamp_schema_line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+", help="data folders to stamp")
    parser.add_argument("--schemas", type=Path, default=Path("docs") / "schemas",
                        help="folder of the JSON Schemas")  # fmt: skip
    args = parser.parse_args(argv)
    for folder in args.folders:
        for path in sorted(folder.rglob("*.yaml")):
            if stamp_schema_line(path, args.schemas):
                print(f"stamped {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
