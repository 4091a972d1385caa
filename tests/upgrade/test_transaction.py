"""The journal-based transaction: rollback and crash recovery restore every byte."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nemoctl.transaction import Transaction, pending_journal, recover


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".nemoctl" not in p.parts
    }


def make_repo(root: Path) -> None:
    (root / "schemas").mkdir(parents=True)
    (root / "generated" / "python").mkdir(parents=True)
    (root / "pyproject.toml").write_bytes(b'[project]\nname = "x"\r\n')
    (root / "schemas" / "schema.prisma").write_text("model A {}\n")
    (root / "generated" / "python" / "a.py").write_text("A = 1\n")
    os.chmod(root / "generated" / "python" / "a.py", 0o600)


def txn(root: Path) -> Transaction:
    return Transaction(
        root, files=[root / "pyproject.toml", root / "uv.lock"],
        dirs=[root / "schemas", root / "generated"], label="test",
    )


def test_exception_restores_everything(tmp_path: Path) -> None:
    make_repo(tmp_path)
    before = tree_hashes(tmp_path)
    with pytest.raises(RuntimeError), txn(tmp_path) as t:
        t.write_bytes(tmp_path / "pyproject.toml", b"changed")
        t.write_bytes(tmp_path / "uv.lock", b"new file")
        t.write_bytes(tmp_path / "generated" / "typescript" / "m.d.ts", b"new dir")
        t.delete(tmp_path / "generated" / "python" / "a.py")
        (tmp_path / "schemas" / "scratch.tmp").write_text("made by a tool")
        raise RuntimeError("step failed")
    assert tree_hashes(tmp_path) == before
    assert not (tmp_path / "generated" / "typescript").exists()
    assert (tmp_path / "generated" / "python" / "a.py").stat().st_mode & 0o777 == 0o600
    assert pending_journal(tmp_path) is None


def test_keyboard_interrupt_restores(tmp_path: Path) -> None:
    make_repo(tmp_path)
    before = tree_hashes(tmp_path)
    with pytest.raises(KeyboardInterrupt), txn(tmp_path) as t:
        t.write_bytes(tmp_path / "schemas" / "schema.prisma", b"model B {}\n")
        raise KeyboardInterrupt
    assert tree_hashes(tmp_path) == before


def test_commit_keeps_changes_and_reports_them(tmp_path: Path) -> None:
    make_repo(tmp_path)
    with txn(tmp_path) as t:
        t.write_bytes(tmp_path / "pyproject.toml", b"changed")
        assert t.write_bytes(tmp_path / "schemas" / "schema.prisma", b"model A {}\n") is False
        t.write_bytes(tmp_path / "generated" / "b.py", b"B = 2\n")
        assert t.changed_paths() == ["generated/b.py", "pyproject.toml"]
    assert (tmp_path / "pyproject.toml").read_bytes() == b"changed"
    assert pending_journal(tmp_path) is None
    assert not recover(tmp_path).found


SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from nemoctl.transaction import Transaction
    root = Path(sys.argv[1])
    t = Transaction(root, files=[root / "pyproject.toml", root / "uv.lock"],
                    dirs=[root / "schemas", root / "generated"], label="killed")
    t.begin()
    t.write_bytes(root / "pyproject.toml", b"half-way")
    t.write_bytes(root / "uv.lock", b"created")
    t.write_bytes(root / "generated" / "new.py", b"x = 1")
    (root / "ready").write_text("1")
    time.sleep(60)
""")


def killed_midway(root: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(root)])
    deadline = time.monotonic() + 30
    while not (root / "ready").exists():
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (root / "ready").unlink()


def test_sigkill_leaves_a_journal_the_next_run_restores(tmp_path: Path) -> None:
    make_repo(tmp_path)
    before = tree_hashes(tmp_path)
    killed_midway(tmp_path)
    assert (tmp_path / "pyproject.toml").read_bytes() == b"half-way"
    assert pending_journal(tmp_path) is not None
    # A new transaction refuses to start over an unrecovered journal.
    with pytest.raises(Exception, match="interrupted upgrade"):
        txn(tmp_path).begin()
    result = recover(tmp_path)
    assert result.found and result.label == "killed" and not result.conflicts
    assert set(result.removed) == {"uv.lock", "generated/new.py"}
    assert tree_hashes(tmp_path) == before
    assert pending_journal(tmp_path) is None


def test_recovery_keeps_edits_made_after_the_crash(tmp_path: Path) -> None:
    make_repo(tmp_path)
    before = tree_hashes(tmp_path)
    killed_midway(tmp_path)
    (tmp_path / "pyproject.toml").write_bytes(b"edited by a person after the crash")
    result = recover(tmp_path)
    assert result.conflicts == ("pyproject.toml",)
    kept = tmp_path / ".nemoctl" / "recovered" / "pyproject.toml"
    assert kept.read_bytes() == b"edited by a person after the crash"
    assert tree_hashes(tmp_path) == before
