"""Declared shapes of TOML (and JSON) tables, validated strictly, without pydantic.

Every ``[tool.nemoctl...]`` table, and the DMMF read back from the parse cache, is a
frozen dataclass deriving from :class:`Table`; its annotations are the schema::

    @dataclass(frozen=True)
    class ImpactTable(Table):
        paths: list[ProjectPath] = key(default_factory=list)
        max_file_size: Annotated[int, Gt(0)] = key(1_000_000, alias="max-file-size")

    table = ImpactTable.validate(raw, "tool.nemoctl.impact")   # or ConfigError (exit 2)

Types are strict, as TOML's are: a string is not an array, ``true`` is not ``1``, an
integer is accepted where a float is asked for.  Unknown keys are refused (a typo in a
safety setting must not silently disable it).  Constraints ride in ``Annotated``:
:class:`MinLen`, :class:`MaxLen`, :class:`Gt`, :class:`Ge`, and :class:`Check` (a
function raising ``ValueError`` with what it expects).  Every error is one line naming
the key and what it expects::

    tool.nemoctl.impact.paths[0]: expected a relative path inside the project, got '../x'
    unknown key 'colour' in [tool.nemoctl.impact]

Why not pydantic, which the generated models use: importing it and building the config
models cost ~0.1 s of CPU on every command, more than the rest of ``nemoctl check``.
Each class's checker is compiled once from its annotations, on first use, then runs
as plain function calls.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal, TypeVar, Union

from nemoctl.errors import ConfigError

T = TypeVar("T", bound="Table")
_Where = tuple[Any, ...]  # (parent, key) pairs, flattened only for an error message


@dataclass(frozen=True, slots=True)
class _Rule:
    """A compiled check: ``run(value, where)`` returns the validated value or raises."""

    run: Callable[[Any, _Where], Any]
    #: What an error says is expected ("a string"), and the Python types that pick this
    #: branch of a union.
    expects: tuple[str, ...] = ()
    accepts: tuple[type, ...] = ()


class Invalid(ConfigError):
    """A value that does not fit its declared shape (a :class:`ConfigError`, exit 2)."""


# ---------------------------------------------------------------------------
# constraints (used inside Annotated[...])


@dataclass(frozen=True, slots=True)
class MinLen:
    n: int


@dataclass(frozen=True, slots=True)
class MaxLen:
    n: int


@dataclass(frozen=True, slots=True)
class Gt:
    n: float


@dataclass(frozen=True, slots=True)
class Ge:
    n: float


@dataclass(frozen=True, slots=True)
class Check:
    """``fn(value)`` returns the value or raises ``ValueError("what it expects")``."""

    fn: Callable[[Any], Any]


def key(default: Any = dataclasses.MISSING, *, alias: str | None = None,
        default_factory: Callable[[], Any] | None = None, secret: bool = False) -> Any:
    """A table field whose TOML key is ``alias`` (e.g. ``schemas-dir``) when given.

    ``secret``: its values may be credentials, so an error names the key and what it
    expects but never quotes the value it got (docs/security.md).
    """
    metadata: dict[str, Any] = {"alias": alias} if alias else {}
    if secret:
        metadata["secret"] = True
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


# ---------------------------------------------------------------------------
# tables


class Table:
    """Base of every declared table: subclasses are ``@dataclass(frozen=True)``."""

    @classmethod
    def validate(cls: type[T], raw: Any, where: str) -> T:
        """``raw`` checked against the declared shape; :class:`Invalid` names the key."""
        result: T = _table_rule(cls).run(raw, (where,))
        return result


_RULES: dict[type, _Rule] = {}


def _table_rule(cls: type[Table]) -> _Rule:
    rule = _RULES.get(cls)
    if rule is None:
        rule = _RULES[cls] = _compile_table(cls)
    return rule


def _compile_table(cls: type[Table]) -> _Rule:
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        required = (f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING)
        run = _compile(hints[f.name]).run
        fields.append((f.metadata.get("alias", f.name), f.name,
                       _unquoted(run) if f.metadata.get("secret") else run, required))
    known = {alias for alias, *_ in fields}

    def check(value: Any, where: _Where) -> Any:
        if not isinstance(value, dict):
            raise _type_error(("a table",), value, where)
        for name in value:
            if name not in known:
                raise Invalid(f"unknown key {name!r} in [{_path(where)}]")
        kwargs = {}
        for alias, name, field_check, required in fields:
            if alias in value:
                kwargs[name] = field_check(value[alias], (where, alias))
            elif required:
                raise Invalid(f"{_path((where, alias))}: missing")
        return cls(**kwargs)

    return _Rule(check, ("a table",), (dict,))


def _unquoted(run: Callable[[Any, _Where], Any]) -> Callable[[Any, _Where], Any]:
    """``run`` whose errors keep the key and the expectation and drop the value."""
    def check(value: Any, where: _Where) -> Any:
        try:
            return run(value, where)
        except Invalid as exc:
            head = exc.message.partition(", got ")[0]
            raise Invalid(f"{head} (the value is not shown: it may be a secret)") from None

    return check


# ---------------------------------------------------------------------------
# value types shared by nemoctl's tables

# PEP 508's definition of a distribution name (the spec's own pattern, not a parser of code).
_PEP508_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


def _package_name(value: str) -> str:
    if not _PEP508_NAME.match(value):
        raise ValueError("a PEP 508 package name (letters, digits, '.', '-', '_')")
    return value


def _project_path(value: str) -> str:
    """A path inside the project: relative, no ``..``, no NUL."""
    if not value or "\0" in value:
        raise ValueError("a non-empty relative path")
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", value):
        raise ValueError("a relative path inside the project (no '..', not absolute)")
    return value


def _file_path(value: str) -> str:
    """A path to read (relative to the project, or absolute): non-empty, no NUL."""
    if not value or "\0" in value:
        raise ValueError("a non-empty path")
    return value


def _duration(value: str) -> str:
    from nemoctl.durations import parse_age

    try:
        parse_age(value)
    except ConfigError:
        raise ValueError('a duration like "3 days", "12h" or "1 week"') from None
    return value


PackageName = Annotated[str, Check(_package_name)]
ProjectPath = Annotated[str, Check(_project_path)]
FilePath = Annotated[str, Check(_file_path)]
Duration = Annotated[str, Check(_duration)]
SeverityName = Literal["ERR", "WARN", "INFO"]



# ---------------------------------------------------------------------------
# compiling a type into a checker


_SCALARS: dict[type, tuple[str, tuple[type, ...]]] = {
    str: ("a string", (str,)),
    bool: ("true or false", (bool,)),
    int: ("an integer", (int,)),
    float: ("a number", (int, float)),
}


def _compile(tp: Any) -> _Rule:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        return _annotated(_compile(base), meta)
    if origin in (Union, types.UnionType):
        return _union([a for a in typing.get_args(tp)])
    if origin is Literal:
        return _literal(typing.get_args(tp))
    if origin is list:
        (item_type,) = typing.get_args(tp)
        return _list(_compile(item_type))
    if origin is dict:
        key_type, value_type = typing.get_args(tp)
        return _dict(_compile(key_type), _compile(value_type))
    if tp is Any:
        return _Rule(lambda value, where: value)
    if isinstance(tp, type) and issubclass(tp, Table):
        return _deferred_table(tp)
    if tp in _SCALARS:
        return _scalar(tp)
    raise TypeError(f"nemoctl.tables cannot check values of type {tp!r}")  # a declaration bug


def _scalar(tp: type) -> _Rule:
    expected, accepted = _SCALARS[tp]
    exact = tp is not float

    def check(value: Any, where: _Where) -> Any:
        # bool is an int subclass: strict types compare the exact class.
        if type(value) is tp or (not exact and type(value) in accepted):
            return float(value) if tp is float else value
        raise _type_error((expected,), value, where)

    return _Rule(check, (expected,), accepted)


def _deferred_table(cls: type[Table]) -> _Rule:
    # Compiled on first use: a table may contain itself or a class declared later.
    def check(value: Any, where: _Where) -> Any:
        return _table_rule(cls).run(value, where)

    return _Rule(check, ("a table",), (dict,))


def _list(item: _Rule) -> _Rule:
    run = item.run

    def check(value: Any, where: _Where) -> Any:
        if type(value) is not list:
            raise _type_error(("an array",), value, where)
        return [run(v, (where, i)) for i, v in enumerate(value)]

    return _Rule(check, ("an array",), (list,))


def _dict(keys: _Rule, values: _Rule) -> _Rule:
    def check(value: Any, where: _Where) -> Any:
        if type(value) is not dict:
            raise _type_error(("a table",), value, where)
        out = {}
        for k, v in value.items():
            try:
                k = keys.run(k, (where, k))
            except Invalid as exc:
                raise Invalid(f"{_path(where)}: key {_show(k)}: {_expectation(exc)}") from None
            out[k] = values.run(v, (where, k))
        return out

    return _Rule(check, ("a table",), (dict,))


def _literal(choices: tuple[Any, ...]) -> _Rule:
    shown = [repr(c) for c in choices]
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"

    def check(value: Any, where: _Where) -> Any:
        for choice in choices:
            if type(value) is type(choice) and value == choice:
                return value
        raise Invalid(f"{_path(where)}: expected one of {listed}, got {_show(value)}")

    return _Rule(check, (f"one of {listed}",), tuple({type(c) for c in choices}))


def _union(members: list[Any]) -> _Rule:
    optional = type(None) in members
    branches = [_compile(m) for m in members if m is not type(None)]
    expects = tuple(sorted({e for b in branches for e in b.expects}))

    def check(value: Any, where: _Where) -> Any:
        if value is None and optional:
            return None
        # The branch whose type the value has decides: "a relative path ..." says more
        # than "a string or an array" when a string was given but is not a good one.
        for branch in branches:
            if type(value) in branch.accepts:
                return branch.run(value, where)
        raise _type_error(expects, value, where)

    return _Rule(check, expects, tuple(t for b in branches for t in b.accepts))


def _annotated(base: _Rule, meta: list[Any]) -> _Rule:
    constraints = [m for m in meta if isinstance(m, MinLen | MaxLen | Gt | Ge | Check)]

    run = base.run

    def check(value: Any, where: _Where) -> Any:
        given = value  # errors show what the user wrote (0, not the converted 0.0)
        value = run(value, where)
        for c in constraints:
            value = _apply(c, value, where, given)
        return value

    return _Rule(check, base.expects, base.accepts)


def _apply(c: MinLen | MaxLen | Gt | Ge | Check, value: Any, where: _Where, given: Any) -> Any:
    if isinstance(c, Check):
        try:
            return c.fn(value)
        except ValueError as exc:
            raise Invalid(f"{_path(where)}: expected {exc}, got {_show(given)}") from None
    what = "an array" if isinstance(value, list) else "a string" if isinstance(value, str) \
        else "a number"
    if isinstance(c, MinLen) and len(value) < c.n:
        wanted = f"a non-empty {what[2:] if what.startswith('a ') else what[3:]}" \
            if c.n == 1 else f"{what} of at least {c.n}"
        raise Invalid(f"{_path(where)}: expected {wanted}, got {_show(value)}")
    if isinstance(c, MaxLen) and len(value) > c.n:
        raise Invalid(f"{_path(where)}: expected {what} of at most {c.n}, got {_show(value)}")
    if isinstance(c, Gt) and not value > c.n:
        raise Invalid(f"{_path(where)}: expected a number greater than {_num(c.n)}, "
                      f"got {_kind(given)} {_show(given)}")
    if isinstance(c, Ge) and not value >= c.n:
        raise Invalid(f"{_path(where)}: expected a number of at least {_num(c.n)}, "
                      f"got {_kind(given)} {_show(given)}")
    return value


# ---------------------------------------------------------------------------
# messages


def _type_error(expects: tuple[str, ...], value: Any, where: _Where) -> Invalid:
    return Invalid(f"{_path(where)}: expected {' or '.join(expects)}, "
                   f"got {_kind(value)} {_show(value)}")


def _expectation(exc: Invalid) -> str:
    # "where: expected X, got 'k'" -> "expected X": the caller names the key itself.
    text = str(exc)
    text = text[text.index("expected"):] if "expected" in text else text
    return text.rsplit(", got ", 1)[0]


def _path(where: _Where) -> str:
    parts: list[Any] = []
    while len(where) == 2:
        where, part = where
        parts.append(part)
    text = str(where[0])
    for part in reversed(parts):
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _kind(value: Any) -> str:
    return {
        str: "string", int: "integer", float: "float", bool: "boolean",
        list: "array", dict: "table",
    }.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _num(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)
