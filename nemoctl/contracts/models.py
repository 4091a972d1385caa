"""Generated models for a LiteLLM version, and whether the committed ones are stale for it.

``contracts run --version X`` validates LiteLLM's payloads against models rendered for X
(from the schema X ships, with nemoctl's own codegen), so a payload contract fails only
when X's runtime disagrees with X's schema.  Whether *your* committed models still
describe X is a separate question with its own status: ``current``, ``stale-additive``
(X only adds models or optional fields: code using the committed models keeps working) or
``stale`` (X removes or changes something they describe: regenerate before upgrading).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemoctl.errors import BadInputError, ContractsFailedError
from nemoctl.paths import cache_dir

DEFAULT_PACKAGE = "nemoctl_models"
_PYTHON_PREFIX = "generated/python/"

@dataclass(frozen=True)
class ModelsStatus:
    """How the committed models compare with the models generated for a version."""

    status: str  # current | stale-additive | stale
    target_version: str
    committed_version: str
    committed_dir: str
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def stale(self) -> bool:
        return self.status != "current"

    @property
    def note(self) -> str:
        if self.status == "current":
            return f"committed models are current for litellm {self.target_version}"
        # Fields first: a new column says more than a new table's pair of classes.
        added = sorted(self.added, key=lambda name: ("." not in name, name))
        what = ", ".join([*self.removed, *self.changed, *added][:8])
        more = len(self.added) + len(self.changed) + len(self.removed) - 8
        what += f" and {more} more" if more > 0 else ""
        kind = "additive only" if self.status == "stale-additive" else "breaking"
        return (
            f"committed models (litellm {self.committed_version or '?'}) are stale for "
            f"litellm {self.target_version} ({kind}: {what}); regenerate them with "
            f"`nemoctl upgrade litellm {self.target_version}`"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "target_version": self.target_version,
            "committed_version": self.committed_version,
            "committed_dir": self.committed_dir,
            "added": list(self.added),
            "changed": list(self.changed),
            "removed": list(self.removed),
            "note": self.note,
        }


def schema_in_env(env_path: Path) -> Path:
    """The ``schema.prisma`` the LiteLLM installed in ``env_path`` ships."""
    for candidate in sorted(env_path.glob("lib/python*/site-packages/litellm/proxy/schema.prisma")):
        return candidate
    raise ContractsFailedError(f"the environment {env_path} holds no litellm/proxy/schema.prisma")


def models_for_version(
    schema: Path, version: str, *, package: str = DEFAULT_PACKAGE, root: Path | None = None
) -> Path:
    """A directory holding ``package`` rendered from ``schema`` (cached; built atomically)."""
    from nemoctl.codegen import render_outputs
    from nemoctl.codegen.lock import current_generators

    text = schema.read_text(encoding="utf-8")
    material = json.dumps([text, version, package, current_generators()], sort_keys=True)
    key = hashlib.sha256(material.encode()).hexdigest()[:12]
    base = (root or cache_dir()) / "contract-models"
    final = base / f"litellm-{version}-{key}"
    if (final / package / "__init__.py").is_file():
        return final
    outputs = render_outputs(text, upstream_version=version, wheel_sha256=None)
    rendered = {
        path[len(_PYTHON_PREFIX) :]: data
        for path, data in outputs.items()
        if path.startswith(_PYTHON_PREFIX)
    }
    names = {p.split("/", 1)[0] for p in rendered}
    if names != {package}:
        raise BadInputError(
            f"nemoctl renders the models as {', '.join(sorted(names))}, not {package!r}"
        )
    building = base / f".{final.name}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    for relative, data in rendered.items():
        target = building / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    try:
        building.rename(final)
    except OSError:  # another run renamed its identical copy first
        shutil.rmtree(building, ignore_errors=True)
    return final


def describe(models_dir: Path, package: str = DEFAULT_PACKAGE) -> dict[str, Any]:
    """Every generated class's fields (name -> [annotation source, required]).

    Read from the source with ``ast``, never imported: two packages of the same name
    cannot be compared in one process, and an annotation's ``repr`` carries addresses.
    """
    root = models_dir / package
    try:
        models = ast.parse((root / "models.py").read_text(encoding="utf-8"))
        init = ast.parse((root / "__init__.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read the generated models in {root}: {exc}") from None
    classes: dict[str, dict[str, list[Any]]] = {}
    for node in models.body:
        if isinstance(node, ast.ClassDef) and any(
            isinstance(b, ast.Name) and b.id == "BaseModel" for b in node.bases
        ):
            classes[node.name] = {
                stmt.target.id: [ast.unparse(stmt.annotation), stmt.value is None]
                for stmt in node.body
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            }
    version = ""
    for stmt in init.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "UPSTREAM_VERSION" for t in stmt.targets)
            and isinstance(stmt.value, ast.Constant)
        ):
            version = str(stmt.value.value)
    return {"version": version, "classes": classes}


def compare(
    committed_dir: Path, fresh_dir: Path, target_version: str, package: str = DEFAULT_PACKAGE
) -> ModelsStatus:
    """Classify the committed models against the ones rendered for ``target_version``."""
    old, new = describe(committed_dir, package), describe(fresh_dir, package)
    before, after = old["classes"], new["classes"]
    added: list[str] = []
    changed: list[str] = []
    removed: list[str] = [f"-{name}" for name in sorted(set(before) - set(after))]
    for name in sorted(set(after) - set(before)):
        added.append(f"+{name}")
    for name in sorted(set(before) & set(after)):
        old_fields, new_fields = before[name], after[name]
        removed += [f"-{name}.{f}" for f in sorted(set(old_fields) - set(new_fields))]
        for f in sorted(set(new_fields) - set(old_fields)):
            # A new field every writer must now set breaks code built on the old models.
            required = new_fields[f][1] and name.endswith("Input")
            (changed if required else added).append(f"+{name}.{f}")
        changed += [
            f"~{name}.{f}"
            for f in sorted(set(old_fields) & set(new_fields))
            if old_fields[f] != new_fields[f]
        ]
    status = "current"
    if removed or changed:
        status = "stale"
    elif added:
        status = "stale-additive"
    return ModelsStatus(
        status=status,
        target_version=target_version,
        committed_version=old.get("version", ""),
        committed_dir=str(committed_dir),
        added=tuple(added),
        changed=tuple(changed),
        removed=tuple(removed),
    )
