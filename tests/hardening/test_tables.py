"""nemoctl.tables: the strict checker behind every [tool.nemoctl...] table.

The configuration tests elsewhere check messages key by key; these check the
checker's own rules (strictness, unions, paths, defaults) and that it is total: any
TOML-shaped value either validates or raises ``Invalid`` (a ConfigError, exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemoctl.config import NemoctlTable
from nemoctl.errors import ConfigError, ExitCode
from nemoctl.tables import Check, Ge, Gt, Invalid, MaxLen, MinLen, Table, key


def _even(value: int) -> int:
    if value % 2:
        raise ValueError("an even number")
    return value


@dataclass(frozen=True)
class Inner(Table):
    name: str
    tags: list[Annotated[str, MinLen(1), MaxLen(3)]] = key(default_factory=list)


@dataclass(frozen=True)
class Outer(Table):
    count: Annotated[int, Ge(0)] = 0
    ratio: Annotated[float, Gt(0)] = 1.0
    flag: bool = False
    mode: Literal["a", "b"] = "a"
    command: str | Annotated[list[str], MinLen(1)] | None = None
    even: Annotated[int, Check(_even)] = 0
    inner: Inner | None = None
    by_name: dict[str, Inner] = key(default_factory=dict, alias="by-name")


def _error(raw: Any, cls: type[Table] = Outer) -> str:
    with pytest.raises(Invalid) as info:
        cls.validate(raw, "t")
    assert isinstance(info.value, ConfigError) and info.value.exit_code == ExitCode.BAD_INPUT
    return str(info.value)


def test_defaults_aliases_and_conversions() -> None:
    got = Outer.validate({"ratio": 2, "by-name": {"x": {"name": "n", "tags": ["ab"]}}}, "t")
    assert got == Outer(ratio=2.0, by_name={"x": Inner(name="n", tags=["ab"])})
    assert type(got.ratio) is float  # an integer is accepted for a float, and converted
    assert Outer.validate({}, "t") == Outer()


@pytest.mark.parametrize(("raw", "message"), [
    ({"count": True}, "t.count: expected an integer, got boolean True"),  # bool is not int
    ({"count": 1.5}, "t.count: expected an integer, got float 1.5"),
    ({"count": -1}, "t.count: expected a number of at least 0, got integer -1"),
    ({"ratio": 0}, "t.ratio: expected a number greater than 0, got integer 0"),
    ({"flag": 1}, "t.flag: expected true or false, got integer 1"),
    ({"mode": "c"}, "t.mode: expected one of 'a' or 'b', got 'c'"),
    ({"command": []}, "t.command: expected a non-empty array, got []"),
    ({"command": 3}, "t.command: expected a string or an array, got integer 3"),
    ({"command": ["x", 1]}, "t.command[1]: expected a string, got integer 1"),
    ({"even": 3}, "t.even: expected an even number, got 3"),
    ({"inner": "x"}, "t.inner: expected a table, got string 'x'"),
    ({"inner": {}}, "t.inner.name: missing"),
    ({"inner": {"name": "n", "tags": ["abcd"]}},
     "t.inner.tags[0]: expected a string of at most 3, got 'abcd'"),
    ({"inner": {"name": "n", "colour": 1}}, "unknown key 'colour' in [t.inner]"),
    ({"by-name": {"x": {"name": 5}}}, "t.by-name.x.name: expected a string, got integer 5"),
    ({"by_name": {}}, "unknown key 'by_name' in [t]"),  # the TOML key is the alias
])
def test_errors_name_the_key_and_what_it_expects(raw: dict[str, Any], message: str) -> None:
    assert _error(raw) == message


def test_unknown_keys_are_refused() -> None:
    assert _error({"name": "n", "new": 1}, Inner) == "unknown key 'new' in [t]"


_toml_scalars = st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False),
                          st.text(max_size=8))
_toml = st.recursive(_toml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(["schemas-dir", "fail-on", "rules", "upstreams",
                                     "litellm", "extras", "impact", "paths", "migrations",
                                     "large-rows", "contracts", "command", "generate",
                                     "bigint", "x"]), inner, max_size=4)), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(raw=st.dictionaries(st.sampled_from(
    ["schemas-dir", "generated-dir", "fail-on", "rules", "upstreams", "contracts", "redact",
     "migrations", "impact", "generate", "advisories", "minimum-release-age", "typo"]),
    _toml, max_size=4))
def test_any_toml_value_validates_or_is_a_config_error(raw: dict[str, Any]) -> None:
    try:
        table = NemoctlTable.validate(raw, "tool.nemoctl")
    except Invalid as exc:
        assert str(exc).startswith(("tool.nemoctl", "unknown key"))
    else:
        assert isinstance(table, NemoctlTable)
