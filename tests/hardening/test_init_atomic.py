"""``nemoctl init`` is all or nothing (issue 29, class 1).

Families, not examples: for every file init writes, every wrong path kind (a directory
or FIFO where the file goes, a regular file where one of its directories goes, a link
to outside the project) refuses with exit 2 before the first write and leaves the tree
byte-identical; every existing file init keeps is validated (exit 2); the plan is
made under the repository lock; a failure in the middle of the writes restores all.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hardening.conftest import write_project

#: What init writes in the hardening project with --ci github (checked by the first test).
WRITES = (
    ".github/dependabot.yml",
    ".github/workflows/nemoctl-ci-publish.yml",
    ".github/workflows/nemoctl-ci.yml",
    ".gitignore",
    "generated/python/nemoctl_models/__init__.py",
    "generated/typescript/index.d.ts",
    "pyproject.toml",
    "schemas/acknowledged.toml",
    "schemas/lock.json",
    "schemas/sacred_fields.toml",
    "schemas/schema.json",
    "schemas/schema.prisma",
)


def snapshot(root: Path) -> dict[str, object]:
    """Every entry under ``root`` (the lock directory aside): kind, bytes, link target."""
    out: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                out[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                out[rel] = ("file", path.read_bytes(), stat.S_IMODE(mode))
            elif stat.S_ISDIR(mode):
                out[rel] = ("dir",)
            else:
                out[rel] = ("special", stat.S_IFMT(mode))
    return out


def _git(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def test_the_files_init_writes(cli, cache: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path / "svc")
    result = cli(["init", "--ci", "github", "--json"], cwd=root)
    assert result.code == 0, result.text
    import json

    written = set(json.loads(result.out)["written"])
    assert set(WRITES) <= written, written


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _cases() -> list[tuple[str, str]]:
    cases = [(rel, kind) for rel in WRITES for kind in ("dir", "fifo", "outside-link")]
    dirs = sorted({d for rel in WRITES for d in _parents(rel)})
    cases += [(d, "file-for-dir") for d in dirs]
    return cases


def _make_hostile(root: Path, outside: Path, rel: str, kind: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() or path.is_symlink():
        original = path.read_bytes()
        path.unlink()
    else:
        original = b"# outside\n"
    if kind == "dir":
        path.mkdir()
        (path / "keep.txt").write_text("mine\n")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "outside-link":
        target = outside / rel.replace("/", "_")
        target.write_bytes(original)
        path.symlink_to(target)
    elif kind == "file-for-dir":
        path.write_text("not a directory\n")


@pytest.mark.parametrize(("rel", "kind"), _cases(), ids=lambda v: str(v))
def test_a_wrong_path_kind_writes_nothing(cli, warm: Path, tmp_path: Path, rel: str,  # type: ignore[no-untyped-def]
                                          kind: str) -> None:
    root = write_project(tmp_path / "svc")
    _git(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    _make_hostile(root, outside, rel, kind)
    before, before_outside = snapshot(root), snapshot(outside)

    result = cli(["init", "--ci", "github"], cwd=root)

    assert snapshot(outside) == before_outside  # nothing written through a link
    if kind == "outside-link" and rel.startswith("schemas/") and rel.endswith(
            ("sacred_fields.toml", "acknowledged.toml")):
        # The user's own file, kept (never written): reading it through the link is fine.
        assert result.code == 0, result.text
        assert (root / rel).is_symlink()
        return
    assert result.code == 2, result.text
    assert "Traceback" not in result.text
    assert "nothing was written" in result.text or rel == "pyproject.toml", result.text
    assert snapshot(root) == before


def test_malformed_kept_files_are_bad_input(cli, warm: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = {
        "schemas/sacred_fields.toml": ["[[field]\nmodel = ", "[[field]]\nmodel = 1\n",
                                       "nonsense = true\n", "\xff\xfe"],
        "schemas/acknowledged.toml": ["ack = 3\n", "[[ack]]\nfingerprint = []\n", "= x"],
    }
    for rel, texts in bad.items():
        for n, text in enumerate(texts):
            root = write_project(tmp_path / f"svc-{rel.split('/')[1]}-{n}")
            (root / "schemas").mkdir(exist_ok=True)
            (root / rel).write_bytes(text.encode("latin-1"))
            before = snapshot(root)
            result = cli(["init"], cwd=root)
            assert result.code == 2, (rel, text, result.text)
            assert snapshot(root) == before, (rel, text)


def test_links_inside_the_project_are_kept(cli, warm: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path / "svc")
    (root / "config").mkdir()
    (root / "pyproject.toml").rename(root / "config" / "pyproject.toml")
    (root / "pyproject.toml").symlink_to(Path("config") / "pyproject.toml")
    (root / "config" / "gitignore").write_bytes(b"*.pyc\n\xff latin-1 bytes kept\n")
    (root / ".gitignore").symlink_to(Path("config") / "gitignore")

    result = cli(["init"], cwd=root)

    assert result.code == 0, result.text
    assert os.readlink(root / "pyproject.toml") == "config/pyproject.toml"
    assert os.readlink(root / ".gitignore") == "config/gitignore"
    assert "[tool.nemoctl]" in (root / "config" / "pyproject.toml").read_text()
    assert (root / "config" / "gitignore").read_bytes().startswith(
        b"*.pyc\n\xff latin-1 bytes kept\n")
    assert b".nemoctl/" in (root / "config" / "gitignore").read_bytes()


@pytest.mark.parametrize("fail_at", [1, 4, 9])
def test_a_failure_mid_write_restores_everything(cli, warm: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 fail_at: int) -> None:
    """Ctrl-C as the Nth project file is renamed into place: every file comes back."""
    root = write_project(tmp_path / "svc")
    (root / ".gitignore").write_text("*.pyc\n")
    before = snapshot(root)
    real = os.replace
    calls: list[str] = []

    def interrupted(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if ".nemoctl" not in Path(dst).parts and len(calls) < fail_at:
            calls.append(str(dst))
            if len(calls) == fail_at:
                raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    result = cli(["init", "--ci", "github"], cwd=root)
    monkeypatch.setattr(os, "replace", real)
    assert result.code == 130, result.text
    assert len(calls) == fail_at
    assert snapshot(root) == before


def test_the_plan_is_made_under_the_lock(cli, warm: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from nemoctl._filelock import FileLock
    from nemoctl.adopt import plan

    root = write_project(tmp_path / "svc")
    real = plan.plan_init
    held = []

    def observed(*args, **kwargs):  # type: ignore[no-untyped-def]
        probe = FileLock(root / ".nemoctl" / "upgrade.lock", timeout=0)
        free = not (root / ".nemoctl").is_dir() or probe.acquire()
        if free and (root / ".nemoctl").is_dir():
            probe.release()
        held.append(not free)
        return real(*args, **kwargs)

    monkeypatch.setattr(plan, "plan_init", observed)
    assert cli(["init"], cwd=root).code == 0
    assert held == [True]


def test_two_concurrent_inits_update_pyproject_once(warm: Path, tmp_path: Path) -> None:
    root = write_project(tmp_path / "svc")
    env = {"NEMOCTL_CACHE_DIR": str(warm)}
    procs = [subprocess.Popen(
        [sys.executable, "-c", "from nemoctl.cli import main; main()",
         "init"], cwd=root, env={**os.environ, "NO_COLOR": "1", **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = sorted(p.returncode for p in procs)
    updated = sum("added [tool.nemoctl]" in out for out, _ in outs)
    assert updated == 1, outs
    assert codes in ([0, 0], [0, 6]), outs
    assert (root / "pyproject.toml").read_text().count("[tool.nemoctl]\n") == 1

