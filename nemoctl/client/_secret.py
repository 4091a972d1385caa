"""An API key that never shows itself in a repr, a log line, an exception or a traceback."""

from __future__ import annotations

from typing import NoReturn


class Secret:
    """Holds a secret string; only :meth:`reveal` returns it.

    ``repr``/``str``/``format`` print a fixed mask (not even a prefix: gateway keys
    share the ``sk-`` prefix, and a suffix narrows brute force), and pickling is refused
    so a key cannot leak through a process pool or a cache.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __format__(self, spec: str) -> str:
        return "**********"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")
