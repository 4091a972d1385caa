"""Supply-chain guard: may this release be adopted, and is the pinned one intact?

    report = evaluate("litellm", "1.109.1", config, allow_yanked=False)
    enforce(report)                       # SupplyChainError (exit 3) listing refusals
    problems = verify_locked_wheel(config)  # for `nemoctl check`
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.supply_chain.advisories import Advisory, load_advisories, matching_advisories
    from nemoctl.supply_chain.evaluate import check_advisories, enforce, evaluate
    from nemoctl.supply_chain.guard import guard_version_specs
    from nemoctl.supply_chain.locked import read_schema_lock, verify_locked_wheel
    from nemoctl.supply_chain.policy import Finding, describe_age, parse_age
    from nemoctl.supply_chain.report import SupplyChainReport

_WHERE = {
    "Advisory": "advisories",
    "load_advisories": "advisories",
    "matching_advisories": "advisories",
    "check_advisories": "evaluate",
    "enforce": "evaluate",
    "evaluate": "evaluate",
    "guard_version_specs": "guard",
    "read_schema_lock": "locked",
    "verify_locked_wheel": "locked",
    "Finding": "policy",
    "describe_age": "policy",
    "parse_age": "policy",
    "SupplyChainReport": "report",
}

__all__ = [
    "Advisory",
    "Finding",
    "SupplyChainReport",
    "check_advisories",
    "describe_age",
    "enforce",
    "evaluate",
    "guard_version_specs",
    "load_advisories",
    "matching_advisories",
    "parse_age",
    "read_schema_lock",
    "verify_locked_wheel",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
