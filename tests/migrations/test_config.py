"""``[tool.nemoctl.migrations]``: declared like every other table; bad values name the key."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemoctl.config import load_config
from nemoctl.errors import ConfigError
from nemoctl.migrations import Policy

_SCALARS = st.text(max_size=8) | st.integers(-3, 10**7) | st.booleans()
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(string.ascii_letters + "_-", min_size=1, max_size=12), inner, max_size=3),
    max_leaves=5)
_GOOD = {
    "rules": st.dictionaries(st.sampled_from(["INDEX_NOT_CONCURRENT", "TABLE_RENAMED",
                                              "NOPE"]),
                             st.sampled_from(["ERR", "WARN", "INFO", "err"]), max_size=2),
    "large-tables": st.lists(st.sampled_from(["LiteLLM_SpendLogs", "", "t"]), max_size=2),
    "large-rows": st.integers(-2, 10**7),
    "rehearse-table-rows": st.dictionaries(st.sampled_from(["LiteLLM_SpendLogs", ""]),
                                           st.integers(-1, 10**4), max_size=1),
}
_KEYS = st.sampled_from([*_GOOD, "large-bytes", "rehearse-rows", "typo"])


@st.composite
def tables(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(_KEYS, max_size=4, unique=True))
    return {k: draw(_GOOD[k] if k in _GOOD and draw(st.booleans()) else _VALUES) for k in keys}


def _write(root: Path, table: dict[str, Any]) -> None:
    root.mkdir(exist_ok=True)
    doc = {"project": {"name": "svc", "version": "0"}, "tool": {"nemoctl": {"migrations": table}}}
    (root / "pyproject.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tables())
def test_any_migrations_table_loads_or_is_refused_naming_the_key(table: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    _write(tmp_path / "p", table)
    try:
        config = load_config(tmp_path / "p")
    except ConfigError as exc:
        assert "\n" not in exc.message and "tool.nemoctl.migrations" in exc.message, exc.message
    else:
        policy = config.migrations
        assert isinstance(policy, Policy)
        assert policy.large_rows >= 0 and all(v >= 0 for v in policy.rehearse_table_rows.values())
        assert set(policy.rules.values()) <= {"ERR", "WARN", "INFO"}


def test_defaults_without_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    policy = load_config(tmp_path).migrations
    assert policy == Policy()
    assert policy.large_tables == ("LiteLLM_SpendLogs",)
