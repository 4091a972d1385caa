"""Hermetic end-to-end set-up for ``nemoctl ci``: fake LiteLLM wheels carrying real
schemas, served by a local package index, and a consumer project in a real git repo."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nemoctl.paths import cache_dir
from tests.ci.gitrepo import ProjectRepo, pyproject
from tests.support.pkgindex import (
    LocalIndex,
    build_fake_litellm,
    build_fake_proxy_extras,
    build_wheel,
    sha256_file,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
SCHEMA_OLD = (FIXTURES / "1.102.4" / "schema.prisma").read_text()
SCHEMA_NEW = (FIXTURES / "1.106.0" / "schema.prisma").read_text()


def _sacred_break(text: str) -> str:
    """1.106.0's schema with ``LiteLLM_SpendLogs.prompt_tokens`` widened to BigInt."""
    start = text.index("model LiteLLM_SpendLogs {")
    end = text.index("}", start)
    block = text[start:end]
    changed = block.replace("prompt_tokens       Int ", "prompt_tokens       BigInt ")
    assert changed != block
    return text[:start] + changed + text[end:]


SCHEMA_BROKEN = _sacred_break(SCHEMA_NEW)

SACRED_FIELDS = """\
# Fields billing reads: a change to any of them blocks an upgrade.
[[field]]
model = "LiteLLM_SpendLogs"
field = "spend"
type = "Float"
owner = "billing"
reason = "invoices"

[[field]]
model = "LiteLLM_SpendLogs"
field = "prompt_tokens"
type = "Int"
owner = "billing"
reason = "usage reports"

[[field]]
model = "LiteLLM_SpendLogs"
field = "model_group"
type = "String?"
owner = "dashboards"
reason = "per-group cost"
"""

#: A real contract command, run by the upgrade's contract gate in an isolated
#: environment holding the PR's version of litellm (installed from the local index).
CONTRACT = (
    '\n[tool.nemoctl.contracts]\ncommand = ["python", "-c", "import litellm, os, sys; '
    "sys.exit(0 if litellm.__version__ == os.environ['NEMOCTL_UPGRADE_VERSION'] else 1)\"]\n"
)

EXTRAS = {"1.102.4": "0.4.97", "1.106.0": "0.4.105", "1.106.1": "0.4.105"}


@dataclass
class Upstream:
    index: LocalIndex
    wheels: dict[str, Path]

    def sha256(self, version: str) -> str:
        return sha256_file(self.wheels[version])


#: Memos shared by every test of a session (not the user's cache, so the first test of
#: each run still renders and proves for real): successful codegen proofs and the
#: verified render cache that check and ci use, each keyed by every input it depends on
#: (the render cache's own behaviour: tests/upgrade/test_render_cache.py).
SESSION_SHARED = ("codegen-proofs", "render")


@pytest.fixture()
def ci_cache(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A fresh cache for wheels and environments, sharing the warm node tools and parses,
    and this session's proof and render memos (rendering costs seconds a test)."""
    shared = cache_dir()
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in ("node", "parsed"):
        (shared / name).mkdir(parents=True, exist_ok=True)
        os.symlink(shared / name, cache / name)
    session = tmp_path_factory.getbasetemp() / "ci-session-cache"
    for name in SESSION_SHARED:
        (session / name).mkdir(parents=True, exist_ok=True)
        os.symlink(session / name, cache / name)
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(cache))
    from nemoctl.upstream import index as index_module

    index_module.clear_memo()
    return cache


@pytest.fixture()
def upstream(
    tmp_path: Path, ci_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Upstream]:
    out = tmp_path / "wheels"
    wheels = {
        "1.102.4": build_fake_litellm(out, "1.102.4", SCHEMA_OLD, EXTRAS["1.102.4"]),
        "1.106.0": build_fake_litellm(out, "1.106.0", SCHEMA_NEW, EXTRAS["1.106.0"]),
        "1.106.1": build_fake_litellm(out, "1.106.1", SCHEMA_BROKEN, EXTRAS["1.106.1"]),
    }
    for extras in sorted(set(EXTRAS.values())):
        build_fake_proxy_extras(out, extras)
    # The consumer's other dependency, so `uv lock` can resolve the whole project.
    build_wheel(out, "httpx", "0.27.0", {"httpx/__init__.py": '__version__ = "0.27.0"\n'})
    with LocalIndex(out) as idx:
        for key, value in idx.pip_env().items():
            monkeypatch.setenv(key, value)
        yield Upstream(idx, wheels)
    from nemoctl.upstream import index as index_module

    index_module.clear_memo()


def render_fresh(version: str, schema_text: str, wheel_sha256: str) -> dict[str, bytes]:
    """What nemoctl generates for this schema, rendered (and proven) now."""
    from nemoctl.codegen import render_outputs

    return render_outputs(schema_text, upstream_version=version, wheel_sha256=wheel_sha256)


@functools.cache
def _rendered(version: str, schema_text: str, wheel_sha256: str) -> tuple[tuple[str, bytes], ...]:
    return tuple(render_fresh(version, schema_text, wheel_sha256).items())


def generated_files(version: str, schema_text: str, wheel_sha256: str) -> dict[str, bytes]:
    """:func:`render_fresh`, rendered once per session: the fake wheels are byte-for-byte
    deterministic, so every test's consumer and expectation are the same bytes."""
    return dict(_rendered(version, schema_text, wheel_sha256))


def acknowledgements(old: str, new: str) -> str:
    """``acknowledged.toml`` accepting every ERR change between two schemas, as a team
    does after reviewing them (1.102.4 → 1.106.0 drops a unique constraint)."""
    from nemoctl.diff import diff_schemas
    from nemoctl.schema.parser import parse_many

    before, after = parse_many([(old, "old.prisma"), (new, "new.prisma")])
    errs = [c for c in diff_schemas(before, after).changes if c.severity == "ERR"]
    assert errs, "expected the real 1.102.4 -> 1.106.0 diff to have an ERR change"
    return "".join(
        f'[[ack]]\nfingerprint = "{c.fingerprint}"\nrule = "{c.rule_id}"\n'
        f'reason = "reviewed: {c.message}"\n\n'
        for c in errs
    )


@pytest.fixture()
def project(
    tmp_path: Path, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> ProjectRepo:
    """A consumer repo on ``main``: pinned to 1.102.4 with its generated files committed,
    and the reviewed ERR changes of 1.106.0 acknowledged."""
    repo = ProjectRepo(tmp_path / "consumer")
    # Work from the consumer's root, as `nemoctl generate/check/ci` do there.
    monkeypatch.chdir(repo.root)
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject("1.102.4", "0.4.97", extra_toml=CONTRACT),
        "schemas/sacred_fields.toml": SACRED_FIELDS,
        "schemas/acknowledged.toml": acknowledgements(SCHEMA_OLD, SCHEMA_NEW),
        ".gitignore": ".nemoctl/\n",
    }
    files.update(generated_files("1.102.4", SCHEMA_OLD, upstream.sha256("1.102.4")))
    repo.commit(files, "consumer project pinned to litellm 1.102.4")
    return repo
