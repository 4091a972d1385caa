"""After the upgrade's commit point no interrupt contradicts the tree (issue 29, class 7).

A Ctrl-C (or SIGTERM) that lands once the transaction commits -- while the journal is
removed, while the summary prints, while the process exits -- used to end the run with
exit 130 and "every file was restored byte-identical" over an applied upgrade.  Now it
is dropped: the exit code and the report describe the tree.  Before the commit point
the same interrupt still rolls everything back (exit 130, tree identical).
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.hardening.conftest import tree

SPEND_ONLY = """\
[[field]]
model = "LiteLLM_SpendLogs"
field = "spend"
type = "Float"
owner = "billing"
reason = "invoices"
"""


@pytest.fixture
def repo(adopted: Path) -> Path:
    (adopted / "schemas" / "sacred_fields.toml").write_text(SPEND_ONLY)
    (adopted / "schemas" / "acknowledged.toml").write_text(
        '[[ack]]\nfingerprint = "b4a4d8bc04e118b4"\nreason = "model_group is unused"\n')
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "adopt"]):
        subprocess.run(["git", *args], cwd=adopted, check=True)
    return adopted


def _pin(root: Path) -> str:
    return "1.3.0" if "litellm[proxy]==1.3.0" in (root / "pyproject.toml").read_text() else "1.2.0"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("where", ["journal-removed", "summary"])
def test_an_interrupt_after_the_commit_point_is_dropped(  # type: ignore[no-untyped-def]
        cli, repo: Path, monkeypatch: pytest.MonkeyPatch, where: str, sig: int) -> None:
    from nemoctl import transaction
    from nemoctl.render import upgrade as render

    if where == "journal-removed":
        real = transaction.Transaction.commit

        def commit(self: transaction.Transaction) -> None:
            real(self)
            os.kill(os.getpid(), sig)

        monkeypatch.setattr(transaction.Transaction, "commit", commit)
    else:
        real_render = render.render_human

        def summary(report, console) -> None:  # type: ignore[no-untyped-def]
            os.kill(os.getpid(), sig)
            real_render(report, console)

        monkeypatch.setattr(render, "render_human", summary)
    def terminated(signum: int, frame: object) -> None:
        # What a SIGTERM did here before: end the run (never kill the test process).
        raise transaction.Terminated()

    signal.signal(signal.SIGTERM, terminated)
    try:
        result = cli(["upgrade", "1.3.0", "--no-contracts"], cwd=repo)
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert _pin(repo) == "1.3.0", result.text[-2500:]  # applied ...
    assert result.code == 0, result.text[-1500:]  # ... and the exit code says so
    assert "restored" not in result.text and "interrupted" not in result.text


def test_an_interrupt_before_the_commit_point_still_rolls_back(  # type: ignore[no-untyped-def]
        cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nemoctl.upgrade.steps import finish

    before = tree(repo)
    real = finish.commit_message

    def message(*args, **kwargs):  # type: ignore[no-untyped-def]
        os.kill(os.getpid(), signal.SIGINT)  # inside the finish step, before the commit
        return real(*args, **kwargs)

    monkeypatch.setattr(finish, "commit_message", message)
    result = cli(["upgrade", "1.3.0", "--no-contracts", "--commit"], cwd=repo)
    assert result.code == 130, result.text[-1500:]
    assert "restored" in result.text
    assert {k: v for k, v in tree(repo).items() if not k.startswith((".nemoctl/", ".git/"))} == {
        k: v for k, v in before.items() if not k.startswith((".nemoctl/", ".git/"))}
