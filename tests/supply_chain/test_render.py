from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from rich.console import Console

from nemoctl.render.supply_chain import render_human, to_dict, to_github, to_markdown
from nemoctl.supply_chain import Advisory, Finding, SupplyChainReport

UP = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
REFUSED = SupplyChainReport(
    package="litellm", version="1.3.0",
    refusals=(Finding("yanked", "litellm 1.3.0 was yanked (reason: a|b)"),
              Finding("age", "too young\nreally")),
    warnings=(Finding("integrity", "no hash published"),),
    upload_time=UP, age=timedelta(days=1, hours=2), minimum_age="3 days",
    eligible_at=UP + timedelta(days=3), yanked=True, yanked_reason="a|b",
    wheel_filename="litellm-1.3.0-py3-none-any.whl", wheel_sha256="a" * 64, index_sha256=None,
    advisories=(Advisory("GHSA-1", "bad", (), ("1.3.1",), None),),
)
OK = SupplyChainReport(package="litellm", version="1.2.0", upload_time=UP,
                       age=timedelta(days=400), wheel_filename="w.whl",
                       wheel_sha256="b" * 64, index_sha256="b" * 64)


def test_markdown_section() -> None:
    md = to_markdown([REFUSED, OK])
    assert md.startswith("### Supply chain\n")
    assert "**litellm 1.3.0** — ❌ refused" in md
    assert "**litellm 1.2.0** — ✅ accepted" in md
    assert "| released | 2026-11-21T10:00:00Z |" in md
    assert "| age | 1 day 2 hours |" in md
    assert "| minimum age | 3 days (eligible from 2026-11-24T10:00:00Z) |" in md
    assert "| yanked | yes: a\\|b |" in md  # table cells stay intact
    assert "| index sha256 | not published |" in md
    assert "| index sha256 | matches |" in md
    assert "| advisories | GHSA-1 |" in md
    assert "- ❌ **age**: too young really" in md
    assert to_markdown(REFUSED.to_dict()) == to_markdown(REFUSED)


def test_human_and_github() -> None:
    buf = io.StringIO()
    render_human(REFUSED, Console(file=buf, width=200, no_color=True))
    text = buf.getvalue()
    assert "Supply chain litellm 1.3.0: refused" in text
    assert "✗ yanked: litellm 1.3.0 was yanked (reason: a|b)" in text
    assert "! integrity: no hash published" in text
    gh = to_github(REFUSED)
    assert gh.splitlines()[1] == "::error title=supply chain (age)::too young%0Areally"
    assert to_github(OK) == ""
    json.dumps(to_dict(REFUSED))
