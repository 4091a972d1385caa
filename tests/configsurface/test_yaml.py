"""nemoctl._yaml: safe, bounded, with line numbers; the contract suite's config reads through it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemoctl import _yaml
from nemoctl.errors import BadInputError

BOMB = "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, c in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def test_billion_laughs_is_refused_before_any_copy(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    assert len(BOMB) < 1200
    started = time.perf_counter()
    with pytest.raises(BadInputError, match="expands to more than"):
        _yaml.load(path)
    assert time.perf_counter() - started < 2.0


def test_contracts_run_refuses_an_alias_bomb_fast_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "c"\nversion = "0"\n'
        '[tool.nemoctl.contracts]\nproxy-config = "bomb.yaml"\n')
    (tmp_path / "bomb.yaml").write_text(BOMB)
    started = time.perf_counter()
    nemoctl = str(Path(sys.executable).with_name("nemoctl"))
    proc = subprocess.run([nemoctl, "contracts", "run"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NEMOCTL_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 2, proc.stderr
    assert "expands to more than" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
    assert time.perf_counter() - started < 60


@pytest.mark.parametrize(("text", "problem"), [
    ("a: !!python/object/apply:os.system [echo hi]\n", "is not allowed"),
    ("a: !custom x\n", "is not allowed"),
    ("a: &a [*a]\n", "recursive alias"),
    ("a: [\n", "not valid YAML (line 2)"),
    ("? [a, b]\n: c\n", "plain scalar"),
    ("a:" + " [" * 100 + " ]" * 100 + "\n", "nests deeper"),
])
def test_hostile_or_broken_yaml_is_a_clear_error(text: str, problem: str) -> None:
    with pytest.raises(BadInputError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        _yaml.loads(text)


def test_not_a_mapping_and_too_large(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(BadInputError, match="must be a mapping"):
        _yaml.load(path, what="proxy config")
    path.write_bytes(b"a: 1\n" * (_yaml.MAX_BYTES // 5 + 1))
    with pytest.raises(BadInputError, match="byte limit"):
        _yaml.load(path)


def test_lines_merges_and_duplicates_follow_pyyaml() -> None:
    doc = _yaml.loads(
        "base: &b {x: 1, y: 2}\n"
        "svc:\n"
        "  <<: *b\n"
        "  y: 3\n"
        "  y: 4\n"
        "list:\n"
        "  - {k: v}\n")
    assert doc.data == {"base": {"x": 1, "y": 2}, "svc": {"x": 1, "y": 4},
                        "list": [{"k": "v"}]}
    assert doc.line("svc", "y") == 5
    assert doc.line("list", 0, "k") == 7
    assert doc.line("svc", "missing") == 2  # the nearest ancestor


# ruamel's emitter itself does not round-trip NEL/line separators: left out of the alphabet.
_TEXT = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85")


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers()
                    | st.text(alphabet=_TEXT, max_size=20),
                    lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.text(alphabet=_TEXT, min_size=1, max_size=8), kids,
                                      max_size=4),
                    max_leaves=30))
def test_reads_what_litellms_loader_reads(value: object) -> None:
    """Agrees with PyYAML's ``safe_load`` (what LiteLLM loads its config with) on what a
    YAML dumper writes, in block and flow style, whenever PyYAML reads it."""
    import io

    import yaml  # type: ignore[import-untyped,unused-ignore]
    from ruamel.yaml import YAML

    for flow in (False, None):
        dumper = YAML(typ="safe", pure=True)
        dumper.default_flow_style = flow
        buf = io.StringIO()
        dumper.dump({"root": value}, buf)
        text = buf.getvalue()
        try:
            expected = yaml.safe_load(text)
        except yaml.YAMLError:
            # Text PyYAML rejects (ruamel writes YAML 1.2 plain scalars such as ``:0`` in
            # flow style): ours reads it or refuses it cleanly, never crashes.
            with contextlib.suppress(BadInputError):
                _yaml.loads(text)
            continue
        assert _yaml.loads(text).data == expected, text
