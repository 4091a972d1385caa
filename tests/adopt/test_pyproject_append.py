"""Appending ``[tool.nemoctl]`` keeps every byte of any pyproject.toml, or refuses clearly."""

from __future__ import annotations

import tomllib

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from nemoctl.adopt.plan import append_nemoctl_table
from nemoctl.errors import ConfigError

TABLE = '[tool.nemoctl]\nschemas-dir = "schemas"\n'

keys = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
scalars = st.one_of(st.integers(-10**6, 10**6), st.booleans(),
                    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                            max_size=12))
comments = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


@st.composite
def pyprojects(draw: st.DrawFn) -> str:
    """Random but valid pyproject texts: tables (also [tool.*]), comments, odd endings."""
    doc = tomlkit.document()
    if draw(st.booleans()):
        doc.add(tomlkit.comment(draw(comments)))
    for name in draw(st.lists(keys, unique=True, max_size=3)):
        table = tomlkit.table()
        for key, value in draw(st.dictionaries(keys, scalars, max_size=3)).items():
            table.add(key, value)
        if draw(st.booleans()):
            table.add(tomlkit.comment(draw(comments)))
        doc.add(name if name != "tool" else "tool-x", table)
    if draw(st.booleans()):
        tool = tomlkit.table(is_super_table=True)
        for name in draw(st.lists(keys.filter(lambda k: k != "nemoctl"), unique=True,
                                  min_size=1, max_size=2)):
            inner = tomlkit.table()
            inner.add("x", draw(scalars))
            tool.add(name, inner)
        doc.add("tool", tool)
    text = tomlkit.dumps(doc)
    return text + draw(st.sampled_from(["", "\n", "\n\n", "# trailing"]))


@settings(max_examples=100, deadline=None)
@given(pyprojects())
def test_append_keeps_every_byte_above_and_parses(original: str) -> None:
    updated = append_nemoctl_table(original, TABLE)
    assert updated.startswith(original)
    parsed = tomllib.loads(updated)
    assert parsed["tool"]["nemoctl"] == {"schemas-dir": "schemas"}
    before = tomllib.loads(original)
    for key, value in before.items():  # nothing else changed meaning
        if key != "tool":
            assert parsed[key] == value
    for name, value in before.get("tool", {}).items():
        assert parsed["tool"][name] == value


@pytest.mark.parametrize("original", [
    'tool = {black = {line-length = 100}}\n',   # an inline table cannot be extended
    '[tool.nemoctl]\nfail-on = "ERR"\n',  # defined twice (init keeps an existing one)
])
def test_a_file_that_cannot_take_the_table_is_a_clear_error(original: str) -> None:
    with pytest.raises(ConfigError, match=r"cannot (append|add) \[tool.nemoctl\]"):
        append_nemoctl_table(original, TABLE)
