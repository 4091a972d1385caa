"""The provenance gate in the findings kernel: GATES, severities, acknowledgements."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nemoctl.config import load_config
from nemoctl.findings import parse_acknowledgements
from nemoctl.findings.surface import SurfaceContext
from nemoctl.provenance import _reqfile
from nemoctl.surfaces import GATES, run_gates

PYPROJECT = """\
[project]
name = "c"
version = "0"
dependencies = [
    "litellm @ git+https://github.com/someone/litellm@abc123",
]
"""


def _ctx(root: Path, **kw: object) -> SurfaceContext:
    return SurfaceContext(root=root, config=load_config(root), current_version=None,
                          target_version="1.1.0", **kw)  # type: ignore[arg-type]


def test_gate_is_registered_and_blocks(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    assert "provenance" in [g.name for g in GATES]
    (report,) = run_gates(_ctx(tmp_path), only={"provenance"})
    assert report.surface == "provenance" and report.blocking
    (finding,) = report.findings
    assert finding.rule_id == "SOURCE_GIT" and str(finding.location) == "pyproject.toml:5"
    assert finding.hint.startswith("pin it from the package index")


def test_severity_and_acknowledgement_apply(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (report,) = run_gates(_ctx(tmp_path), only={"provenance"})
    fingerprint = report.findings[0].fingerprint
    acks = parse_acknowledgements({"ack": [{"fingerprint": fingerprint, "rule": "SOURCE_GIT",
                                            "reason": "moving back to the index in #12"}]})
    (acked,) = run_gates(_ctx(tmp_path, acknowledgements=acks, today=date(2026, 12, 6)),
                         only={"provenance"})
    assert not acked.blocking and acked.findings[0].acknowledged
    (relevelled,) = run_gates(_ctx(tmp_path, severities={"SOURCE_GIT": "WARN"}),
                              only={"provenance"})
    assert not relevelled.blocking and relevelled.findings[0].severity == "WARN"
    # The fingerprint does not depend on the line the entry moved to.
    (tmp_path / "pyproject.toml").write_text("# moved\n\n" + PYPROJECT)
    (moved,) = run_gates(_ctx(tmp_path), only={"provenance"})
    assert moved.findings[0].fingerprint == fingerprint
    assert str(moved.findings[0].location) == "pyproject.toml:7"


_REQ = st.sampled_from(["litellm==1.0.0", "httpx==0.28.1", "-e ../x", "git+https://h/x#egg=y",
                        "--index-url https://i/simple", "pkg[a,b]>=1; python_version>'3'"])
_TAIL = st.sampled_from(["", "  # a comment", " --hash=sha256:ab", " \\\n    --hash=sha256:cd"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_REQ, _TAIL, st.sampled_from(["", "# c", "   "])), max_size=12))
def test_requirement_lines_keep_their_first_line_number(
        entries: list[tuple[str, str, str]]) -> None:
    text, expected = "", []
    for requirement, tail, filler in entries:
        text += filler + "\n"
        expected.append((text.count("\n") + 1, requirement))
        text += requirement + tail + "\n"
    parsed = _reqfile.parse(text)
    got = [(line.lineno, line.requirement or " ".join(line.options)) for line in parsed]
    assert [n for n, _ in got] == [n for n, _ in expected]
    for (_, written), line in zip(expected, parsed, strict=True):
        assert not line.error
        if written.startswith("-"):
            assert line.requirement == "" and " ".join(line.options).startswith(
                written.split()[0])
        else:
            assert line.requirement == written
