"""Supply-chain guard: may this release be adopted, and is the pinned one intact?

    report = evaluate("litellm", "1.109.1", config, allow_yanked=False)
    enforce(report)                       # SupplyChainError (exit 3) listing refusals
    problems = verify_locked_wheel(config)  # for `nemoctl check`
"""

from nemoctl.supply_chain.advisories import Advisory, load_advisories, matching_advisories
from nemoctl.supply_chain.evaluate import check_advisories, enforce, evaluate
from nemoctl.supply_chain.guard import guard_version_specs
from nemoctl.supply_chain.locked import read_schema_lock, verify_locked_wheel
from nemoctl.supply_chain.policy import Finding, describe_age, parse_age
from nemoctl.supply_chain.report import SupplyChainReport

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
