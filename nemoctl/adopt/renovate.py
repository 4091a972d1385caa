"""Renovate, for ``nemoctl init --ci renovate`` or a repository that already uses it.

One ``packageRules`` entry, recognised on later runs by its ``description`` (which starts
with :data:`MARKER`), groups ``litellm`` with the packages its releases pin exactly
(``litellm-proxy-extras``, ``litellm-enterprise``, in every spelling the project's pin
files use), keeps exact pins, waits nemoctl's own ``minimum-release-age`` (so Renovate
never proposes what ``nemoctl ci`` refuses as too new), puts everything in one branch
(a major ``litellm`` and a patch of its extras must not be split: neither resolves
alone) and links the ``nemoctl ci`` run from the PR body.  ``gitIgnoredAuthors`` names
the publish workflow's commit author: without it Renovate treats the pushed
regeneration commit as someone else's edit and stops rebasing its branch.

An existing config (Renovate's own search order, :data:`CONFIG_FILES`) is edited in
place through :mod:`nemoctl.adopt.jsonedit`: comments, key order and quoting stay as the
team wrote them.  When that cannot be done faithfully, :func:`plan_renovate_config`
raises :class:`~nemoctl.errors.BadInputError` (exit 2) carrying the snippet to paste.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from json5 import model
from packaging.utils import canonicalize_name

from nemoctl.adopt.jsonedit import Edit, JsonDocument, JsonEditError, dump
from nemoctl.errors import BadInputError, ConfigError

#: Where Renovate looks for its repository config, in its order (the first one wins).
CONFIG_FILES = (
    "renovate.json", "renovate.json5", ".github/renovate.json", ".github/renovate.json5",
    ".gitlab/renovate.json", ".gitlab/renovate.json5", ".renovaterc", ".renovaterc.json",
    ".renovaterc.json5", "package.json",
)
#: The file ``init`` creates when the repository has no Renovate config.
DEFAULT_FILE = "renovate.json"
#: Our rule's ``description`` starts with this; it is how a later ``init`` finds it.
MARKER = "nemoctl:"
GROUP = "litellm"
#: The packages a LiteLLM release pins exactly (FACTS: litellm[proxy] -> extras, enterprise).
PACKAGES = ("litellm", "litellm-proxy-extras", "litellm-enterprise")
#: The author of the commits nemoctl-ci-publish.yml pushes to the update branch.
PUBLISH_AUTHOR = "nemoctl@users.noreply.github.com"
SCHEMA_URL = "https://docs.renovatebot.com/renovate-schema.json"

Action = Literal["create", "update", "unchanged", "conflict"]


@dataclass(frozen=True, slots=True)
class FoundConfig:
    """An existing Renovate config: its path from the repository root."""

    path: str

    @property
    def in_package_json(self) -> bool:
        return self.path == "package.json"


@dataclass(frozen=True, slots=True)
class RenovateFile:
    """What ``init`` does to the Renovate config (path from the repository root)."""

    path: str
    action: Action
    note: str
    data: bytes | None = None


def find_config(repo_root: Path) -> FoundConfig | None:
    """The config Renovate itself would read in ``repo_root``, if any."""
    for name in CONFIG_FILES:
        path = repo_root / name
        if not path.is_file():
            continue
        if name != "package.json":
            return FoundConfig(name)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # not ours to judge; Renovate would skip it too
        if isinstance(data, dict) and "renovate" in data:
            return FoundConfig(name)
    return None


def renovate_age(text: str) -> str:
    """nemoctl's ``minimum-release-age`` in a unit Renovate reads the same way."""
    from nemoctl.supply_chain.policy import parse_age

    seconds = int(parse_age(text).total_seconds())
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} seconds"


def spellings(written: Iterable[str] = ()) -> tuple[str, ...]:
    """Every name Renovate may report for the grouped packages: the PyPI name, its
    underscore spelling (Poetry and requirements files may use either) and each name as
    the project writes it (``written``)."""
    names: list[str] = []
    for package in PACKAGES:
        for spelling in (package, package.replace("-", "_")):
            if spelling not in names:
                names.append(spelling)
    wanted = {canonicalize_name(p) for p in PACKAGES}
    for name in written:
        if canonicalize_name(name) in wanted and name not in names:
            names.append(name)
    return tuple(names)


def nemoctl_rule(*, written_names: Iterable[str], minimum_release_age: str | None,
                 workflow: str = ".github/workflows/nemoctl-ci.yml") -> dict[str, Any]:
    """The ``packageRules`` entry ``init`` writes."""
    rule: dict[str, Any] = {
        "description": (
            f"{MARKER} LiteLLM and the packages its releases pin exactly move together, "
            "as exact pins; `nemoctl ci` verifies the PR (written by `nemoctl init "
            "--ci renovate`)."
        ),
        "matchDatasources": ["pypi"],
        "matchPackageNames": list(spellings(written_names)),
        "groupName": GROUP,
        "rangeStrategy": "pin",
        "separateMajorMinor": False,
    }
    if minimum_release_age:
        rule["minimumReleaseAge"] = renovate_age(minimum_release_age)
        # No branch at all until the age is met (the default, but a team may relax it):
        # a PR for a release nemoctl ci refuses as too new would only fail.
        rule["internalChecksFilter"] = "strict"
    rule["prBodyNotes"] = [
        "**nemoctl** verifies this update (schema diff against the base branch, sacred "
        "fields, regenerated types, contract tests): see the `nemoctl ci` check on this "
        "PR, its report in the comment below and in the job summary of "
        f"[its run](https://github.com/{{{{{{repository}}}}}}/actions/workflows/"
        f"{workflow.rsplit('/', 1)[-1]}). The regenerated schema and types are pushed "
        "to this branch by `nemoctl ci publish`."
    ]
    return rule


def new_config(rule: dict[str, Any]) -> dict[str, Any]:
    """A whole ``renovate.json`` for a repository that has none."""
    return {
        "$schema": SCHEMA_URL,
        "extends": ["config:recommended"],
        "gitIgnoredAuthors": [PUBLISH_AUTHOR],
        "packageRules": [rule],
    }


def post_upgrade_rule(*, project_dir: str, schemas_dir: str, generated_dir: str,
                      lockfile: str | None) -> dict[str, Any]:
    """For self-hosted Renovate: regenerate inside the update branch (docs/ci.md).

    A separate ``packageRules`` entry, so ``init``'s own rule stays unchanged.  Needs
    ``allowedCommands`` (:func:`admin_config`) in the bot's global configuration.
    """
    at = (lambda rel: f"{project_dir}/{rel}") if project_dir else (lambda rel: rel)
    filters = [f"{at(schemas_dir)}/**", f"{at(generated_dir)}/**"]
    if lockfile:
        filters.append(at(lockfile))
    task: dict[str, Any] = {
        "commands": ["nemoctl generate"],
        "fileFilters": filters,
        "executionMode": "branch",
    }
    if project_dir:
        task["workingDirTemplate"] = project_dir
    return {
        "description": "nemoctl (self-hosted Renovate): regenerate the schema snapshot and "
        "types for the new LiteLLM pin inside the update branch.",
        "matchDatasources": ["pypi"],
        "matchPackageNames": list(spellings()),
        "postUpgradeTasks": task,
    }


def admin_config() -> dict[str, Any]:
    """The self-hosted bot's global setting the post-upgrade task needs.

    ``allowedCommands`` is what Renovate 41+ calls ``allowedPostUpgradeCommands``
    (older versions; newer ones migrate the old name).
    """
    return {"allowedCommands": ["^nemoctl generate$"]}


def snippet(rule: dict[str, Any]) -> str:
    """What to paste by hand when ``init`` cannot edit the file itself."""
    return dump({"gitIgnoredAuthors": [PUBLISH_AUTHOR], "packageRules": [rule]})


def _is_ours(value: Any) -> bool:
    return isinstance(value, dict) and str(value.get("description", "")).startswith(MARKER)


def _merge(doc: JsonDocument, rule: dict[str, Any], in_package_json: bool
           ) -> tuple[list[Edit], Any, bool]:
    """The edits, the data they must produce, and whether our own rule was edited by
    someone (then it is a conflict: replaced only with ``--force``)."""
    expected = json.loads(json.dumps(doc.data))
    node: model.Value = doc.root
    config: Any = expected
    if in_package_json:
        if not isinstance(node, model.JSONObject):
            raise JsonEditError("package.json is not an object")
        found = doc.member(node, "renovate")
        if found is None:
            raise JsonEditError('package.json has no "renovate" key')
        node, config = found, expected["renovate"]
    if not isinstance(node, model.JSONObject) or not isinstance(config, dict):
        raise JsonEditError("the config is not an object")

    edits: list[Edit] = []
    new_members: list[tuple[str, Any]] = []
    authors = doc.member(node, "gitIgnoredAuthors")
    if authors is None:
        new_members.append(("gitIgnoredAuthors", [PUBLISH_AUTHOR]))
    elif not isinstance(authors, model.JSONArray):
        raise JsonEditError('"gitIgnoredAuthors" is not a list')
    elif PUBLISH_AUTHOR not in config["gitIgnoredAuthors"]:
        edits += doc.append_element(authors, PUBLISH_AUTHOR)
        config["gitIgnoredAuthors"].append(PUBLISH_AUTHOR)

    conflict = False
    rules = doc.member(node, "packageRules")
    if rules is None:
        new_members.append(("packageRules", [rule]))
    elif not isinstance(rules, model.JSONArray):
        raise JsonEditError('"packageRules" is not a list')
    else:
        ours = [i for i, r in enumerate(config["packageRules"]) if _is_ours(r)]
        if len(ours) > 1:
            raise JsonEditError(f"{len(ours)} rules start their description with {MARKER!r}")
        if not ours:
            edits += doc.append_element(rules, rule)
            config["packageRules"].append(rule)
        elif config["packageRules"][ours[0]] != rule:
            edits += doc.replace(rules, rules.values[ours[0]], rule)
            config["packageRules"][ours[0]] = rule
            conflict = True
    if new_members:
        edits += doc.append_members(node, new_members)
        config.update(new_members)
    return edits, expected, conflict


def plan_renovate_config(repo_root: Path, rule: dict[str, Any]) -> RenovateFile:
    """Create ``renovate.json``, or merge ``rule`` into the config Renovate reads."""
    found = find_config(repo_root)
    if found is None:
        text = dump(new_config(rule)) + "\n"
        return RenovateFile(DEFAULT_FILE, "create", "Renovate: litellm grouped",
                            text.encode())
    path = repo_root / found.path
    try:
        original = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    try:
        doc = JsonDocument(original)
        edits, expected, conflict = _merge(doc, rule, found.in_package_json)
        updated = doc.apply(edits, expected) if edits else original
    except JsonEditError as exc:
        where = '"renovate" in package.json' if found.in_package_json else found.path
        raise BadInputError(
            f"cannot add nemoctl's Renovate rule to {found.path}: {exc}; nothing was written",
            hint=f"add this to {where} yourself, then run nemoctl init again:\n"
            + snippet(rule),
        ) from None
    if not edits:
        return RenovateFile(found.path, "unchanged", "Renovate: nemoctl's rule present")
    if conflict:
        return RenovateFile(found.path, "conflict", "nemoctl's Renovate rule was edited",
                            updated.encode())
    return RenovateFile(found.path, "update", "Renovate: added nemoctl's rule (rest kept)",
                        updated.encode())


def updater_for(repo_root: Path, ci: str) -> Literal["dependabot", "renovate"]:
    """``--ci renovate``, or ``--ci github`` in a repository that already uses Renovate."""
    return "renovate" if ci == "renovate" or find_config(repo_root) else "dependabot"


def plan_for_project(repo_root: Path, *, minimum_release_age: str | None,
                     pin_texts: Iterable[str]) -> RenovateFile:
    """:func:`plan_renovate_config` with the project's policy and pin spellings."""
    from packaging.requirements import InvalidRequirement, Requirement

    written = []
    for text in pin_texts:
        try:
            written.append(Requirement(text).name)
        except InvalidRequirement:
            continue  # Poetry's table form: the key is the PyPI name, already listed
    planned = plan_renovate_config(
        repo_root, nemoctl_rule(written_names=written, minimum_release_age=minimum_release_age)
    )
    for name in (".github/dependabot.yml", ".github/dependabot.yaml"):
        if (repo_root / name).is_file():
            # Not ours to delete: say it, or both bots open the same LiteLLM PRs.
            return replace(planned, note=f"{planned.note}; {name} exists too: remove its "
                           "litellm entries or both bots open LiteLLM PRs")
    return planned
