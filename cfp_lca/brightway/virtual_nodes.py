"""Node ids of activities that are computed but never written to the project.

A model variant (options, scenarios, difference files) is a computation, not data: its
foreground is packed straight from the model, so the project holds only what a user opens in
Activity Browser (the model, its backgrounds, cfp_lca's methods). bw2calc still needs an
integer id per node: each variant gets a range above every id of the project, kept per
project folder while the project's largest id stays below it, so that the same variant keeps
its ids within a process and ids never mean two nodes at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class VirtualNodes:
    """The virtual ids of one project folder: by (database, content) the first id of its
    range; by id, the (database, code) it stands for."""

    ranges: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    keys: dict[int, tuple[str, str]] = field(default_factory=dict)
    top: int = 0  # the largest id given out

    def ids(self, database: str, content: str, codes: tuple[str, ...],
            largest: int) -> dict[str, int]:  # fmt: skip
        """Ids of ``codes`` (in their order) for the variant ``database`` with ``content``,
        all above ``largest``, the project's largest node id now; ranges that a grown
        project reached are dropped first."""
        if largest >= min((start for start, _ in self.ranges.values()), default=largest + 1):
            self._drop_below(largest)
        key = (database, content)
        if key not in self.ranges:
            start = max(self.top, largest) + 1
            self.ranges[key] = (start, codes)
            self.keys.update({start + k: (database, code) for k, code in enumerate(codes)})
            self.top = start + len(codes)
        start, known = self.ranges[key]
        return {code: start + k for k, code in enumerate(known)}

    def _drop_below(self, largest: int) -> None:
        """Forget every range that reaches down to ``largest`` (a write gave real nodes ids
        there), so that no id means a real node and a virtual one."""
        for key, (start, codes) in list(self.ranges.items()):
            if start <= largest:
                del self.ranges[key]
                for k in range(len(codes)):
                    self.keys.pop(start + k, None)


_PROJECTS: dict[str, VirtualNodes] = {}


def virtual_nodes(project_dir: str) -> VirtualNodes:
    """The virtual ids of the project in ``project_dir`` (one table per project folder, so
    two projects in one process never share ids)."""
    return _PROJECTS.setdefault(project_dir, VirtualNodes())
