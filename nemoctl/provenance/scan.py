"""One provenance scan of a project: sources, installed files and patches together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemoctl.config import Config
from nemoctl.provenance.environment import ProjectEnvironment, find_environment
from nemoctl.provenance.model import DEFAULT_WATCHED, Observation


@dataclass(frozen=True, slots=True)
class ProvenanceScan:
    sources: tuple[Observation, ...]
    installed: tuple[Observation, ...]
    patches: tuple[Observation, ...]
    environment: ProjectEnvironment | None
    #: ``{package: version}`` of the watched distributions in the environment.
    installed_versions: dict[str, str]
    #: Files verified against RECORD, and how many had to be hashed (0 when warm).
    verified_files: int = 0
    hashed_files: int = 0
    notes: tuple[str, ...] = ()
    #: Whether the installed files were checked at all (``integrity=False`` skips).
    integrity_checked: bool = False

    @property
    def observations(self) -> tuple[Observation, ...]:
        return (*self.sources, *self.installed, *self.patches)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": [o.to_dict() for o in self.sources],
            "installed": [o.to_dict() for o in self.installed],
            "patches": [o.to_dict() for o in self.patches],
            "environment": self.environment.to_dict() if self.environment else None,
            "installed_versions": dict(sorted(self.installed_versions.items())),
            "verified_files": self.verified_files,
            "notes": list(self.notes),
        }


def watched_packages(config: Config, upstream_name: str = "litellm") -> tuple[str, ...]:
    """LiteLLM, its configured coupled packages and the packages always released with it."""
    names = list(DEFAULT_WATCHED)
    if upstream_name in config.upstreams:
        upstream = config.upstream(upstream_name)
        names += [upstream.package, *upstream.coupled]
    return tuple(dict.fromkeys(names))


def scan_project(config: Config, *, pinned: str | None = None, upstream_name: str = "litellm",
                 sources: bool = True, integrity: bool = True,
                 patches: bool = True) -> ProvenanceScan:
    from nemoctl.provenance.sources import scan_sources

    root = config.root
    watched = watched_packages(config, upstream_name)
    found_sources = tuple(scan_sources(root, watched)) if sources else ()
    installed: tuple[Observation, ...] = ()
    notes: list[str] = []
    env: ProjectEnvironment | None = None
    versions: dict[str, str] = {}
    verified = hashed = 0
    if integrity:
        lookup = find_environment(root, config.environment)
        env = lookup.env
        if lookup.note:
            notes.append(lookup.note)
        if lookup.problem:
            installed = (Observation(
                "INSTALL_ENV_BROKEN", _display(config.environment or root / ".venv", root), 0,
                "litellm", lookup.problem, f"{lookup.problem}; LiteLLM's installed files "
                "cannot be verified", ("environment",)),)
        elif env is not None:
            from nemoctl.provenance.integrity import verify_installed

            result = verify_installed(root, env.site_packages, watched=watched, pinned=pinned)
            installed = result.observations
            versions = result.installed
            verified, hashed = result.verified, result.hashed
            notes += result.notes
            if "litellm" not in versions:
                installed += (Observation(
                    "INSTALL_NOT_INSTALLED", _display(env.path, root), 0, "litellm",
                    "not installed", f"{_display(env.path, root)}: the project environment "
                    f"({env.origin}) has no LiteLLM installed; nothing to verify",
                    ("not-installed",)),)
    found_patches: tuple[Observation, ...] = ()
    if patches:
        from nemoctl.provenance.patches import scan_patches

        found_patches = tuple(scan_patches(root))
    return ProvenanceScan(found_sources, installed, found_patches, env, versions, verified, hashed,
                          tuple(notes), integrity)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
