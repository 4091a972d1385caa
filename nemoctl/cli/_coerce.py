"""Option coercion for the simple parameter types, without pydantic.

typer (0.2x) coerces every parameter through a pydantic ``TypeAdapter`` built on
first use; importing pydantic and building the adapters costs ~0.3 s, more than the
whole budget of ``nemoctl check`` in a pre-commit hook.  nemoctl's options are
``str``, ``bool``, ``int``, ``float``, ``Path``, enums and lists or optionals of those,
whose coercion is a one-liner each; :func:`install` gives such parameters a light
coercer and leaves anything else (constraints, files, datetimes, custom parsers) to
typer's own.  When typer's internals move, nothing is installed and typer's path is
used: slower, never wrong (the import-set test in ``tests/cli`` then fails loudly).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

try:  # typer's private coercion protocol; see the module docstring.
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam
except ImportError:  # pragma: no cover - only with another typer
    RuntimeParam = None  # type: ignore[assignment,misc]

_SCALARS = (str, int, float, bool)


def _unwrap_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _leaf_supported(annotation: Any, info: Any) -> bool:
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None):
        return False
    if annotation in (int, float):
        return info.min is None and info.max is None and not info.clamp
    if annotation in (str, bool):
        return True
    if annotation is Path:
        # Plain paths only: existence/permission checks stay typer's.
        return not (info.exists or info.resolve_path or info.writable or info.readable
                    is False or not info.file_okay or not info.dir_okay or info.path_type
                    or info.allow_dash)
    return isinstance(annotation, type) and issubclass(annotation, Enum) and all(
        isinstance(m.value, str) for m in annotation
    )


def _split(annotation: Any, info: Any) -> tuple[Any, bool] | None:
    """(leaf type, is_list) when this light coercer can handle ``annotation``."""
    annotation = _unwrap_optional(annotation)
    is_list = typing.get_origin(annotation) is list
    if is_list:
        args = typing.get_args(annotation)
        if len(args) != 1:
            return None
        annotation = _unwrap_optional(args[0])
    return (annotation, is_list) if _leaf_supported(annotation, info) else None


def _coerce_leaf(leaf: Any, value: Any, case_sensitive: bool) -> Any:
    if isinstance(leaf, type) and isinstance(value, leaf):
        return value
    if leaf is str:
        return value.decode() if isinstance(value, bytes) else str(value)
    if leaf is bool:
        text = str(value).strip().lower()
        if text in ("1", "true", "t", "yes", "y", "on"):
            return True
        if text in ("0", "false", "f", "no", "n", "off"):
            return False
        raise ValueError(f"{value!r} is not a valid boolean.")
    if leaf in (int, float):
        try:
            return leaf(value)
        except (TypeError, ValueError):
            kind = "integer" if leaf is int else "float"
            raise ValueError(f"{value!r} is not a valid {kind}.") from None
    if leaf is Path:
        return Path(value)
    members = list(leaf)
    for member in members:
        if member.value == value or (not case_sensitive and str(member.value).lower()
                                     == str(value).lower()):
            return member
    choices = ", ".join(repr(m.value) for m in members)
    raise ValueError(f"{value!r} is not one of {choices}.")


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _LightParam(RuntimeParam):
        leaf: Any = None
        is_list: bool = False

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            case = bool(getattr(self.parameter_info, "case_sensitive", True))
            try:
                if self.is_list:
                    items = value if isinstance(value, (list, tuple)) else [value]
                    return [_coerce_leaf(self.leaf, v, case) for v in items]
                return _coerce_leaf(self.leaf, value, case)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None


def install(command: Any) -> int:
    """Give every simple parameter of ``command`` (and its subcommands) a light coercer."""
    if RuntimeParam is None:  # pragma: no cover
        return 0
    installed = 0
    for sub in getattr(command, "commands", {}).values():
        installed += install(sub)
    for param in getattr(command, "params", ()):
        installed += _install_param(param)
    # The --help option is made on first use (it depends on the context), so hook it.
    make_help = getattr(command, "get_help_option", None)
    if callable(make_help) and not getattr(make_help, "_nemoctl_light", False):
        def get_help_option(ctx: Any) -> Any:
            option = make_help(ctx)
            if option is not None:
                _install_param(option)
            return option

        get_help_option._nemoctl_light = True  # type: ignore[attr-defined]
        command.get_help_option = get_help_option
    return installed


def _install_param(param: Any) -> int:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", "absent") is not None:
        return 0
    if descriptor.file_annotation is not None:
        return 0
    split = _split(descriptor.annotation, descriptor.parameter_info)
    if split is None:
        return 0
    param._runtime_param = _LightParam(
        parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
        leaf=split[0], is_list=split[1],
    )
    return 1
