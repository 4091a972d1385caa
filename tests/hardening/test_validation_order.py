"""Options and configuration are validated before any work (issue 29, class 3).

Families: every wrong kind of proxy config for ``contracts run``/``matrix`` (not YAML,
a directory, a FIFO, missing, a model_list that is not a list, an entry without
litellm_params) refused before an environment is built; every invalid ``--branch``
(git's check-ref-format rules) refused before the upgrade reads the project; an
upgrade refused in preflight prints no "? → X" summary above its error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROXY_CONFIGS: dict[str, str | None] = {
    "notyaml": "model_list: [\n  - {",
    "dir": None,
    "fifo": None,
    "missing": None,
    "list-not-list": "model_list: {a: 1}\n",
    "entry-without-params": "model_list:\n  - model_name: x\n",
    "top-level-list": "- 1\n- 2\n",
}
EXPECTED = {"dir": "is a directory", "fifo": "is a FIFO", "missing": "does not exist",
            "notyaml": "not valid YAML", "list-not-list": "model_list must be a list",
            "entry-without-params": "litellm_params", "top-level-list": "mapping"}


@pytest.mark.parametrize("case", sorted(PROXY_CONFIGS))
@pytest.mark.parametrize("command", [["contracts", "matrix", "1.2.0", "1.3.0"],
                                     ["contracts", "run", "--version", "1.3.0"]])
def test_a_bad_proxy_config_is_refused_before_any_environment(  # type: ignore[no-untyped-def]
        cli, project: Path, monkeypatch: pytest.MonkeyPatch, case: str,
        command: list[str]) -> None:
    from nemoctl.contracts import envs, matrix, runner

    built: list[str] = []
    for module in (envs, matrix, runner):
        monkeypatch.setattr(module, "ensure_env", lambda v, *a, **k: built.append(v),
                            raising=False)
    path = project / "litellm.yaml"
    text = PROXY_CONFIGS[case]
    if case == "dir":
        path.mkdir()
    elif case == "fifo":
        os.mkfifo(path)
    elif text is not None:
        path.write_text(text)
    result = cli([*command, "--proxy-config", str(path)], cwd=project)
    assert result.code == 2, result.text[-1500:]
    assert EXPECTED[case] in result.text, result.text[-1500:]
    assert built == []


BRANCHES = ["bad..name", "-x", "has space", "x.lock", "@{-1}", "a~b", "a^b", "a:b", "end.",
            "a\x1b[2Jb", "", "/lead", "a//b", "x" * 300]


@pytest.mark.parametrize("branch", BRANCHES, ids=repr)
def test_an_invalid_branch_is_refused_before_any_work(  # type: ignore[no-untyped-def]
        cli, project: Path, monkeypatch: pytest.MonkeyPatch, branch: str) -> None:
    from nemoctl.upgrade import pipeline

    loaded: list[object] = []
    real = pipeline.load_config
    monkeypatch.setattr(pipeline, "load_config", lambda *a, **k: loaded.append(a) or real(*a, **k))
    result = cli(["upgrade", "1.3.0", "--commit", "--branch", branch], cwd=project)
    assert result.code == 2, result.text
    assert "not a valid git branch name" in result.text
    assert "\x1b" not in result.text
    assert loaded == []  # refused before the project was even read
    assert not (project / ".nemoctl").exists()


def test_a_valid_branch_passes_the_check() -> None:
    from nemoctl.upgrade._git import check_branch_name

    for name in ("nemoctl/litellm-1.3.0", "feat/ü", "a.b-c_d"):
        check_branch_name(name)


def test_a_preflight_refusal_prints_no_half_summary(cli, cache: Path, project: Path) -> None:  # type: ignore[no-untyped-def]
    # Refused in preflight (not a git repository; not protected), before the pin is read.
    result = cli(["upgrade", "1.3.0"], cwd=project)
    assert result.code == 2, result.text
    assert "git repository" in result.text
    assert "?" not in result.out and "→" not in result.out, result.out


@pytest.mark.parametrize("kind", ["fifo", "dir"])
def test_the_runner_itself_never_opens_a_fifo_or_directory_config(tmp_path: Path,
                                                                  kind: str) -> None:
    """The upgrade's contract gate builds the config without the CLI's check: same refusal."""
    import threading

    from nemoctl.contracts.proxy_config import effective_config
    from nemoctl.errors import BadInputError

    path = tmp_path / "litellm.yaml"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    outcome: list[BaseException | None] = []

    def build() -> None:
        try:
            effective_config(path, {})
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=build, daemon=True)
    worker.start()
    worker.join(20)
    assert outcome, "effective_config blocked on the proxy config"
    assert isinstance(outcome[0], BadInputError)
    assert ("is a FIFO" if kind == "fifo" else "is a directory") in str(outcome[0])
