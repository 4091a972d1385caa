"""``nemoctl check``: is the committed state consistent?  Fast, and offline once caches are warm.

Checked, without fetching any schema (the snapshot and ``lock.json`` are the truth):

- **lock** — ``schemas/lock.json`` names the package and version the pins name;
- **generated** — every file codegen produces from the snapshot is committed byte for
  byte, and no generated file is left over from a removed model;
- **sacred** — every ``sacred_fields.toml`` entry exists, with its type, in the snapshot;
- **requirements** — every ``requirements*.txt`` resolves exactly as pinned (``uv pip
  compile`` against pip's configured indexes; with ``offline``, from uv's cache only);
- **supply-chain** — the pinned wheel still hashes to what the lock recorded (the
  project lockfile's hashes, the cached wheel; the index only when the wheel is not
  cached and not ``offline``), and no advisory matches a pinned version;
- **provenance** — LiteLLM and its coupled packages come from the configured index
  (no git, path, editable, URL or other-index source anywhere) and no patch of LiteLLM
  is in the tree or applied by a Dockerfile, script or workflow (docs/never-fork.md);
- **integrity** — the project environment's installed LiteLLM is file for file what
  was published (RECORD hashes, the published wheel's RECORD).

Each check reports its own problems; one failing check does not hide the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nemoctl.config import Config, UpstreamConfig
from nemoctl.errors import ExitCode, NemoctlError
from nemoctl.paths import read_text
from nemoctl.pins import pinned_version

if TYPE_CHECKING:
    from nemoctl.findings import Finding
    from nemoctl.schema.model import Schema

CHECKS = ("lock", "generated", "sacred", "supply-chain", "requirements", "provenance",
          "integrity", "config")


@dataclass(frozen=True, slots=True)
class CheckItem:
    name: str
    #: "ok" | "failed" | "skipped"
    status: str
    detail: str = ""
    problems: tuple[str, ...] = ()
    #: The check could not run on the project's input (a malformed file, pins that
    #: disagree): ``check`` then exits 2, not 1.
    bad_input: bool = False
    #: The findings kernel's findings behind the problems (rule, location, fingerprint),
    #: for the checks that report through it (provenance, integrity, config).
    findings: tuple[Any, ...] = ()
    #: Findings below ``fail-on`` (listed, not failing), and where each problem and
    #: warning is in the project (``path:line``; "" when it has no place).
    warnings: tuple[str, ...] = ()
    problem_places: tuple[str, ...] = ()
    warning_places: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "detail": self.detail,
            "problems": list(self.problems),
            "bad_input": self.bad_input,
            "findings": [f.to_dict() for f in self.findings],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class CheckReport:
    upstream: str
    package: str
    version: str | None
    items: tuple[CheckItem, ...]

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(f"{item.name}: {p}" for item in self.items for p in item.problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> ExitCode:
        if any(item.bad_input for item in self.items):
            return ExitCode.BAD_INPUT
        return ExitCode.OK if self.ok else ExitCode.FINDINGS

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "exit_code": int(self.exit_code),
            "upstream": self.upstream,
            "package": self.package,
            "version": self.version,
            "checks": [item.to_dict() for item in self.items],
            "problems": list(self.problems),
        }


class _Problems(Exception):
    """Raised inside a check to fail it with several problems at once."""

    def __init__(self, problems: Iterable[str], detail: str = "", *,
                 bad_input: bool = False) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)
        self.detail = detail
        self.bad_input = bad_input


class _Listed(Exception):
    """Raised by a check whose findings carry places: problems fail it, warnings do not."""

    def __init__(self, item: CheckItem) -> None:
        super().__init__(item.name)
        self.item = item


class _Skip(Exception):
    pass


def run_check(
    config: Config,
    *,
    upstream_name: str = "litellm",
    skip: Iterable[str] = (),
    offline: bool = False,
    allow_unprotected: bool = False,
) -> CheckReport:
    """Run every check (minus ``skip``) for one upstream and collect the problems.

    Without a snapshot or sacred fields a failed "protection" item (bad input: exit 2)
    names ``nemoctl init``, unless ``allow_unprotected``: then that item is skipped and
    says what is missing.  It cannot be ``skip``-ped.
    """
    from nemoctl.adopt.protection import protection

    upstream = config.upstream(upstream_name)
    guards = protection(config)
    state = _State(config, upstream, offline=offline)
    checks: dict[str, Callable[[_State], str]] = {
        "lock": _check_lock,
        "generated": _check_generated,
        "sacred": _check_sacred,
        "supply-chain": _check_supply_chain,
        "requirements": _check_requirements,
        "provenance": _check_provenance,
        "integrity": _check_integrity,
        "config": _check_config,
    }
    skipped = set(skip)
    items = []
    if not guards.protected:
        items.append(
            CheckItem("protection", "skipped", "--allow-unprotected: " + "; ".join(guards.gaps))
            if allow_unprotected else
            CheckItem("protection", "failed", "run `nemoctl init`",
                      (*guards.gaps, "run `nemoctl init` to create them "
                       "(or pass --allow-unprotected)"), bad_input=True)
        )
    for name, check in checks.items():
        if name in skipped:
            items.append(CheckItem(name, "skipped", "--skip"))
            continue
        try:
            detail = check(state)
        except _Skip as exc:
            items.append(CheckItem(name, "skipped", str(exc)))
        except _Listed as exc:
            items.append(exc.item)
        except _Problems as exc:
            items.append(CheckItem(name, "failed", exc.detail, exc.problems, exc.bad_input,
                                   state.findings.get(name, ())))
        except NemoctlError as exc:
            items.append(CheckItem(name, "failed", "", (exc.message,),
                                   exc.exit_code == ExitCode.BAD_INPUT))
        else:
            items.append(CheckItem(name, "ok", detail,
                                   findings=state.findings.get(name, ())))
    return CheckReport(upstream_name, upstream.package, state.pinned, tuple(items))


class _State:
    """What the checks share, read once: the pin, the snapshot and the lock."""

    def __init__(self, config: Config, upstream: UpstreamConfig, *, offline: bool) -> None:
        self.config = config
        self.upstream = upstream
        self.offline = offline
        #: Kernel findings per check name (the checks that report through the kernel).
        self.findings: dict[str, tuple[Any, ...]] = {}
        self.lock_version_mismatch = False
        self.pinned: str | None = None
        self.pin_error: str | None = None
        self.pin_error_is_input = False
        try:
            self.pinned = pinned_version(config.root, upstream.package)
        except NemoctlError as exc:
            self.pin_error = exc.message
            self.pin_error_is_input = exc.exit_code == ExitCode.BAD_INPUT
        self.snapshot_path = config.schemas_dir / "schema.prisma"
        self.lock_path = config.schemas_dir / "lock.json"
        self.snapshot: str | None = (
            read_text(self.snapshot_path) if self.snapshot_path.is_file() else None
        )
        self._parsed: Schema | None = None
        self.lock: dict[str, Any] | None = None
        self.lock_error: str | None = None
        if not self.lock_path.is_file():
            self.lock_error = f"{self._rel(self.lock_path)} is missing (run nemoctl generate)"
        else:
            try:
                loaded = json.loads(self.lock_path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                self.lock_error = f"{self._rel(self.lock_path)} is not valid JSON: {exc}"
            else:
                if isinstance(loaded, dict):
                    self.lock = loaded
                else:
                    self.lock_error = f"{self._rel(self.lock_path)} is not a JSON object"

    def _rel(self, path: Any) -> str:
        try:
            return str(path.relative_to(self.config.root))
        except ValueError:
            return str(path)

    def need_snapshot(self) -> str:
        if self.snapshot is None:
            raise _Problems([f"{self._rel(self.snapshot_path)} is missing (run nemoctl generate)"])
        return self.snapshot

    def parsed_snapshot(self) -> Schema:
        """The snapshot, parsed once for every check that reads it."""
        if self._parsed is None:
            from nemoctl.schema.parser import parse_text

            # Parsed under its own name: a schema Prisma rejects is reported as
            # ``schemas/schema.prisma:65``, not as the upstream's file.
            self._parsed = parse_text(self.need_snapshot(),
                                      source=self._rel(self.snapshot_path))
        return self._parsed

    def need_lock(self) -> dict[str, Any]:
        if self.lock is None:
            raise _Problems([self.lock_error or "lock.json unreadable"])
        return self.lock


def _check_lock(state: _State) -> str:
    problems = [state.pin_error] if state.pin_error else []
    if state.lock is None:
        raise _Problems([*problems, state.lock_error or "lock.json unreadable"],
                        bad_input=state.pin_error_is_input)
    lock = state.lock
    if lock.get("package") != state.upstream.package:
        problems.append(
            f"lock.json is for package {lock.get('package')!r}, not {state.upstream.package!r}"
        )
    if state.pinned and lock.get("version") != state.pinned:
        state.lock_version_mismatch = True
        problems.append(
            f"lock.json records {state.upstream.package} {lock.get('version')} but the pins "
            f"name {state.pinned} (run nemoctl generate, or nemoctl upgrade to move the pin)"
        )
    if state.snapshot is not None:
        from nemoctl.schema.parser import sha256_text

        if lock.get("schema_sha256") != sha256_text(state.snapshot):
            problems.append("lock.json's schema_sha256 does not match schemas/schema.prisma")
    if problems:
        raise _Problems(problems, bad_input=state.pin_error_is_input)
    return f"{state.upstream.package} {state.pinned}"


def _check_generated(state: _State) -> str:
    from nemoctl.codegen import cached_render_outputs, compare_outputs

    snapshot = state.need_snapshot()
    lock = state.need_lock()
    version = str(lock.get("version") or state.pinned or "")
    state.parsed_snapshot()  # a snapshot Prisma rejects is reported before rendering
    # Rendering runs two generators and proves the result (seconds); a pre-commit hook
    # must not pay that on every commit, so a verified cached render answers when warm.
    outputs = cached_render_outputs(
        snapshot, upstream_version=version, wheel_sha256=lock.get("wheel_sha256"),
        upstream=state.upstream.name, package=state.upstream.package,
        options=state.config.codegen)
    changes, _diff = compare_outputs(state.config, outputs)
    reason = {
        "added": "is missing",
        "modified": "differs from what the pinned schema generates",
        "deleted": "is no longer generated (a leftover)",
    }
    problems = [f"{c.path} {reason.get(c.kind, c.kind)}" for c in changes]
    if problems:
        raise _Problems(
            problems,
            detail=f"{len(problems)} of {len(outputs)} file(s) out of date; run nemoctl generate",
        )
    return f"{len(outputs)} file(s) match"


def _check_sacred(state: _State) -> str:
    from nemoctl.adopt.protection import NO_SACRED
    from nemoctl.diff import check_sacred, load_sacred

    sacred_file = state.config.sacred_fields_file
    if not sacred_file.is_file():
        raise _Skip(f"{NO_SACRED} (no {state._rel(sacred_file)}; --allow-unprotected)")
    statuses = check_sacred(state.parsed_snapshot(), load_sacred(sacred_file))
    if not statuses:
        raise _Skip(f"{NO_SACRED} ({state._rel(sacred_file)} has no entries; --allow-unprotected)")
    broken = [s for s in statuses if s.blocking]
    if broken:
        raise _Problems(
            [f"{s.model}.{s.field}: {s.state}: {s.message}" for s in broken],
            detail=f"{len(broken)} of {len(statuses)} broken",
        )
    return f"{len(statuses)} field(s) present with their types"


def _check_supply_chain(state: _State) -> str:
    from nemoctl.supply_chain import check_advisories, verify_locked_wheel

    if state.pinned is None:
        raise _Skip("no exact pin")
    problems = [
        p for p in verify_locked_wheel(state.config, offline=state.offline)
        # The lock check already reports a lock that names another version.
        if not (state.lock_version_mismatch and " is pinned to " in p)
    ]
    pinned = {state.upstream.package: state.pinned}
    for package in state.upstream.coupled:
        try:
            pinned[package] = pinned_version(state.config.root, package)
        except NemoctlError:
            continue  # a coupled package need not be pinned directly
    for package, version in pinned.items():
        problems += [_describe(a) for a in check_advisories(state.config, version, package)]
    if problems:
        raise _Problems(problems)
    checked = "offline: lockfile + cached wheel" if state.offline else "locked wheel hash"
    return f"{checked} verified; no advisory matches {len(pinned)} pin(s)"


def _describe(item: Any) -> str:
    describe = getattr(item, "describe", None)
    return str(describe()) if callable(describe) else str(item)


def _check_requirements(state: _State) -> str:
    from nemoctl.pins import requirement_files

    # Looked for first: resolving needs pip's configuration and uv, which a project
    # without requirements files should not pay for on every commit.
    if not any(p.suffix == ".txt" for p in requirement_files(state.config.root)):
        raise _Skip("no requirements*.txt")
    from nemoctl.upgrade.requirements import check_requirements
    from nemoctl.upgrade.resolve import project_python

    problems, checked = check_requirements(
        state.config.root, python=project_python(state.config), offline=state.offline
    )
    if not checked:
        raise _Skip("no requirements*.txt")
    if problems:
        raise _Problems(problems)
    return f"{', '.join(checked)} resolve{'s' if len(checked) == 1 else ''} as pinned"


def _check_provenance(state: _State) -> str:
    from nemoctl.provenance.gate import judge_project

    scan, report = judge_project(state.config, pinned=state.pinned,
                                 upstream_name=state.upstream.name, integrity=False)
    state.findings["provenance"] = report.findings
    return _provenance_result(scan, report, "LiteLLM from the index; no patch of LiteLLM")


def _check_integrity(state: _State) -> str:
    from nemoctl.provenance.gate import judge_project

    scan, report = judge_project(state.config, pinned=state.pinned,
                                 upstream_name=state.upstream.name, sources=False,
                                 patches=False)
    state.findings["integrity"] = report.findings
    env = scan.environment
    if env is None and not scan.installed:
        raise _Skip("; ".join(scan.notes) or "no project environment")
    where = f"{env.path.name} ({env.origin})" if env else "the project environment"
    return _provenance_result(
        scan, report, f"{scan.verified_files} installed file(s) match their RECORD in {where}")


def _provenance_result(scan: Any, report: Any, ok_detail: str) -> str:
    """Blocking findings fail the check (each with its rule and way back); the others
    and the scan's notes go into the detail."""
    from nemoctl.provenance.refuse import blocking_lines

    others = [f"{f.severity} {f.message} [{f.rule_id}]" for f in report.findings
              if not f.blocking]
    lines = blocking_lines(report.findings)
    if lines:
        raise _Problems(lines, detail="; ".join([*others, "see docs/never-fork.md"]))
    return "; ".join([ok_detail, *others, *scan.notes])


def _check_config(state: _State) -> str:
    """The proxy config and deploy env against what the pinned LiteLLM reads."""
    from nemoctl.configsurface.files import config_files

    # Looked for first: without a proxy config nothing is read (no YAML parser imported).
    if not config_files(state.config):
        raise _Skip("no proxy config ([tool.nemoctl.contracts] proxy-config)")
    if state.pinned is None:
        raise _Skip("no exact pin")
    from nemoctl.configsurface.gate import GATE, cached_offline
    from nemoctl.findings import at_least

    if state.offline and not cached_offline(state.config, state.pinned):
        raise _Skip(f"offline, and what {state.upstream.package} {state.pinned} reads is "
                    "not cached (run once online)")
    from nemoctl.findings.surface import SurfaceContext

    report = GATE.judge(SurfaceContext(state.config.root, state.config, state.pinned, None,
                                       severities=state.config.rule_severities))
    open_findings = [f for f in report.findings if not f.acknowledged]
    failing = [f for f in open_findings if at_least(f.severity, state.config.fail_on)]
    listed = [f for f in open_findings if f not in failing]

    def text(f: Finding) -> str:
        return f"{f.location}: {f.severity} {f.rule_id}: {f.message}" if f.location \
            else f"{f.severity} {f.rule_id}: {f.message}"

    def place(f: Finding) -> str:
        return f"{f.location.path}:{f.location.line}" if f.location else ""

    raise _Listed(CheckItem(
        "config", "failed" if failing else "ok", report.summary(),
        tuple(map(text, failing)), findings=tuple(open_findings),
        warnings=tuple(map(text, listed)),
        problem_places=tuple(map(place, failing)), warning_places=tuple(map(place, listed))))
