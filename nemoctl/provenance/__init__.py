"""Provenance: LiteLLM never forked, never patched, and installed as published.

    scan = scan_project(config, pinned="1.102.4")   # sources + installed files + patches
    scan.observations                                 # what is wrong, file and line
    refuse_adoption(root)                             # init: BadInputError, nothing written
    refuse_unless_from_index(config)                  # upgrade/ci preflight: BlockedError

The rules (``SOURCE_*``, ``INSTALL_*``, ``PATCH_*``) are in :mod:`.rules`; the surface
gate is :data:`nemoctl.provenance.gate.GATE`; users' docs: ``docs/never-fork.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.provenance.environment import EnvLookup, ProjectEnvironment, find_environment
    from nemoctl.provenance.model import Observation
    from nemoctl.provenance.refuse import refuse_adoption, refuse_unless_from_index
    from nemoctl.provenance.scan import ProvenanceScan, scan_project

_WHERE = {
    "EnvLookup": "environment",
    "ProjectEnvironment": "environment",
    "find_environment": "environment",
    "Observation": "model",
    "refuse_adoption": "refuse",
    "refuse_unless_from_index": "refuse",
    "ProvenanceScan": "scan",
    "scan_project": "scan",
}

__all__ = [
    "EnvLookup",
    "Observation",
    "ProjectEnvironment",
    "ProvenanceScan",
    "find_environment",
    "refuse_adoption",
    "refuse_unless_from_index",
    "scan_project",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
