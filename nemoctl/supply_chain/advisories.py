"""Known-bad versions from an OSV JSON file, matched offline.

Accepted layouts: one OSV record, a list of records, or ``{"vulns": [...]}`` (what
``osv.dev``'s query API returns).  Ranges of type ``ECOSYSTEM`` and ``SEMVER`` are
evaluated as the OSV spec describes (introduced / fixed / last_affected);
``versions`` lists exact affected versions.  Withdrawn records are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from nemoctl._versions import parse_version
from nemoctl.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Advisory:
    id: str
    summary: str
    aliases: tuple[str, ...]
    fixed: tuple[str, ...]
    url: str | None

    def describe(self) -> str:
        label = self.id + (f" ({', '.join(self.aliases)})" if self.aliases else "")
        text = f"{label}: {self.summary}" if self.summary else label
        if self.fixed:
            text += f" — fixed in {', '.join(self.fixed)}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "summary": self.summary, "aliases": list(self.aliases),
                "fixed": list(self.fixed), "url": self.url}


def load_advisories(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"advisories file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read advisories file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise ConfigError(f"advisories file {path} is not valid JSON: {exc}") from None
    if isinstance(data, dict) and "vulns" in data:
        data = data["vulns"]
    records = data if isinstance(data, list) else [data]
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise ConfigError(f"advisories file {path}: every record needs an 'id' (OSV format)")
    return records


def matching_advisories(
    records: list[dict[str, Any]], package: str, version: str
) -> list[Advisory]:
    """The records that list ``package==version`` as affected."""
    project = canonicalize_name(package)
    wanted = parse_version(version)
    if wanted is None:
        return []
    found = []
    for record in records:
        if record.get("withdrawn"):
            continue
        fixed: list[str] = []
        hit = False
        for affected in record.get("affected") or []:
            pkg = affected.get("package") or {}
            if canonicalize_name(str(pkg.get("name", ""))) != project:
                continue
            if pkg.get("ecosystem", "PyPI") not in ("PyPI", "pypi"):
                continue
            fixed += _fixed_versions(affected)
            if _affects(affected, wanted):
                hit = True
        if hit:
            refs = record.get("references") or []
            url = next((r.get("url") for r in refs if isinstance(r, dict) and r.get("url")), None)
            found.append(Advisory(
                id=record["id"],
                summary=str(record.get("summary") or record.get("details") or "").strip()[:300],
                aliases=tuple(str(a) for a in record.get("aliases") or ()),
                fixed=tuple(dict.fromkeys(fixed)),
                url=url,
            ))
    return found


def _affects(affected: dict[str, Any], wanted: Version) -> bool:
    for listed in affected.get("versions") or []:
        if parse_version(str(listed)) == wanted:
            return True
    for rng in affected.get("ranges") or []:
        if rng.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue
        if _in_range(rng.get("events") or [], wanted):
            return True
    return False


def _in_range(events: list[dict[str, str]], wanted: Version) -> bool:
    # OSV: walk events in version order; introduced opens, fixed / last_affected close.
    keyed: list[tuple[Version, str]] = []
    for event in events:
        for kind in ("introduced", "fixed", "last_affected"):
            if kind in event:
                point = parse_version(str(event[kind]))
                if point is not None:
                    keyed.append((point, kind))
    order = {"introduced": 0, "fixed": 1, "last_affected": 2}
    affected = False
    for point, kind in sorted(keyed, key=lambda item: (item[0], order[item[1]])):
        if kind == "introduced" and wanted >= point:
            affected = True
        elif (kind == "fixed" and wanted >= point) or (
            kind == "last_affected" and wanted > point
        ):
            affected = False
    return affected


def _fixed_versions(affected: dict[str, Any]) -> list[str]:
    return [str(e["fixed"]) for r in affected.get("ranges") or []
            for e in r.get("events") or [] if "fixed" in e]
