"""Move exact pins without touching anything else in the file.

``pyproject.toml`` is edited through tomlkit, which keeps comments, quoting,
spacing and key order, and only the version inside each pin string changes, so
the diff is exactly the pin lines.  ``requirements*.txt`` files are edited line by
line, keeping their line endings.  The coupled pins (``litellm-proxy-extras`` for
``litellm[proxy]``) come from the new wheel's own ``Requires-Dist`` metadata.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from tomlkit.items import String

from nemoctl.errors import BadInputError, ConfigError
from nemoctl.pins import Pin, exact_version, find_pins

_ARRAY_LOCATION = re.compile(r"^(?P<table>.+)\[(?P<index>\d+)\]$")
_POETRY_PREFIXES = ("tool.poetry.dependencies.", "tool.poetry.dev-dependencies.")
_POETRY_GROUP = re.compile(r"^tool\.poetry\.group\.(?P<group>.+)\.dependencies\.(?P<name>[^.]+)$")


@dataclass(frozen=True, slots=True)
class PinEdit:
    """One pin moved from ``old`` to ``new``."""

    package: str
    location: str
    old: str
    new: str
    old_text: str
    new_text: str

    def to_dict(self) -> dict[str, str]:
        return {
            "package": self.package,
            "location": self.location,
            "old": self.old,
            "new": self.new,
            "old_text": self.old_text,
            "new_text": self.new_text,
        }


def coupled_versions(
    wheel_path: Path, extras: Iterable[str], coupled: Iterable[str]
) -> dict[str, str]:
    """Exact versions the wheel's METADATA pins for ``coupled`` packages (under ``extras``)."""
    want = {canonicalize_name(c): c for c in coupled}
    if not want:
        return {}
    with zipfile.ZipFile(wheel_path) as zf:
        names = [
            n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")
        ]
        if not names:
            raise BadInputError(f"{wheel_path.name} has no .dist-info/METADATA")
        metadata = zf.read(names[0]).decode("utf-8", errors="replace")
    found: dict[str, str] = {}
    environments = [{"extra": e} for e in (*extras, "")]
    for line in metadata.splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        try:
            req = Requirement(line.partition(":")[2].strip())
        except InvalidRequirement:
            continue
        name = canonicalize_name(req.name)
        if name not in want:
            continue
        if req.marker is not None and not any(
            req.marker.evaluate(env) for env in environments
        ):
            continue
        if version := exact_version(req):
            found[want[name]] = version
    return found


def _replace_version(text: str, old: str, new: str, *, operator_optional: bool) -> str:
    pattern = r"(===?\s*)" + re.escape(old) + r"(?![\w.+-])"
    if operator_optional:
        pattern = r"((?:===?\s*)?)" + re.escape(old) + r"(?![\w.+-])"
    result, count = re.subn(pattern, lambda m: m.group(1) + new, text, count=1)
    if count != 1:
        raise ConfigError(f"cannot find version {old} in pin {text!r}")
    return result


def _same_style(old: Any, value: str) -> Any:
    """A tomlkit string with ``old``'s quoting (basic/literal) and trivia (comments)."""
    if isinstance(old, String):
        replacement = tomlkit.string(value, literal=old.type.is_literal())
        replacement.trivia.__dict__.update(old.trivia.__dict__)
        return replacement
    return value


def _navigate(doc: Any, dotted: str, parts: int) -> Any:
    node = doc
    for key in dotted.split(".", parts - 1):
        node = node[key]
    return node


def _edit_pyproject(doc: Any, pin: Pin, new: str) -> str:
    where = pin.location.partition(":")[2]
    if m := _ARRAY_LOCATION.match(where):
        table = m.group("table")
        if table == "project.dependencies":
            array = doc["project"]["dependencies"]
        elif table.startswith("project.optional-dependencies."):
            array = _navigate(doc, table, 3)
        elif table.startswith("dependency-groups."):
            array = _navigate(doc, table, 2)
        else:
            raise ConfigError(f"unsupported pin location {pin.location}")
        index = int(m.group("index"))
        old_item = array[index]
        new_text = _replace_version(str(old_item), pin.version, new, operator_optional=False)
        array[index] = _same_style(old_item, new_text)
        return new_text
    if g := _POETRY_GROUP.match(where):
        table, name = doc["tool"]["poetry"]["group"][g.group("group")]["dependencies"], g.group(
            "name"
        )
    else:
        prefix = next((p for p in _POETRY_PREFIXES if where.startswith(p)), None)
        if prefix is None:
            raise ConfigError(f"unsupported pin location {pin.location}")
        table = doc["tool"]["poetry"][prefix.split(".")[2]]
        name = where[len(prefix):]
    value = table[name]
    if isinstance(value, str):
        new_text = _replace_version(str(value), pin.version, new, operator_optional=True)
        table[name] = _same_style(value, new_text)
    else:
        old_version = value["version"]
        new_text = _replace_version(str(old_version), pin.version, new, operator_optional=True)
        value["version"] = _same_style(old_version, new_text)
    return new_text


def _edit_requirements(lines: list[str], pin: Pin, new: str) -> str:
    lineno = int(pin.location.rpartition(":")[2])
    line = lines[lineno - 1]
    following = lines[lineno:lineno + 1]
    if "--hash" in line or (line.rstrip().endswith("\\") and any("--hash" in f for f in following)):
        raise BadInputError(
            f"{pin.location} pins {pin.package} with --hash; nemoctl cannot recompute the hashes",
            hint="regenerate that file with its own tool (e.g. pip-compile --generate-hashes)",
        )
    body, newline = (line[:-2], "\r\n") if line.endswith("\r\n") else (
        (line[:-1], "\n") if line.endswith("\n") else (line, "")
    )
    edited = _replace_version(body, pin.version, new, operator_optional=False)
    lines[lineno - 1] = edited + newline
    return edited.split("#", 1)[0].strip()


def plan_bump(root: Path, targets: dict[str, str]) -> tuple[list[PinEdit], dict[Path, bytes]]:
    """The edits moving every exact pin of each package in ``targets`` to its version.

    Returns the edits and the new bytes of every file that changes; nothing is written.
    """
    pyproject_path = root / "pyproject.toml"
    original = pyproject_path.read_bytes()
    doc = tomlkit.parse(original.decode("utf-8"))
    req_files: dict[Path, list[str]] = {}
    edits: list[PinEdit] = []
    for package, new in targets.items():
        for pin in find_pins(root, package):
            if pin.version == new:
                continue
            file_name = pin.location.partition(":")[0]
            if file_name == "pyproject.toml":
                new_text = _edit_pyproject(doc, pin, new)
            else:
                path = root / file_name
                if path not in req_files:
                    req_files[path] = path.read_bytes().decode("utf-8").splitlines(keepends=True)
                new_text = _edit_requirements(req_files[path], pin, new)
            edits.append(PinEdit(package, pin.location, pin.version, new, pin.text, new_text))
    outputs: dict[Path, bytes] = {}
    rendered = tomlkit.dumps(doc).encode("utf-8")
    if rendered != original:
        outputs[pyproject_path] = rendered
    for path, lines in req_files.items():
        outputs[path] = "".join(lines).encode("utf-8")
    return edits, outputs
