"""``nemoctl sacred suggest``: sacred-field entries proposed from what the code uses.

A field is proposed when code reads or writes it through a typed use (Python, TypeScript
or SQL; plain-text mentions do not count) and it is not sacred yet.  The entry carries
the field's Prisma type as written (model + field + type is a sacred field's identity)
and, as its reason, where it is used.  Nothing is written unless asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemoctl.diff.sacred import SacredFields
from nemoctl.impact.model import UsageMap
from nemoctl.schema.model import Schema


@dataclass(frozen=True, slots=True)
class Suggestion:
    model: str
    field: str
    type: str
    uses: int
    first_use: str

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "field": self.field, "type": self.type,
                "uses": self.uses, "first_use": self.first_use}

    def to_toml(self, owner: str = "unassigned") -> str:
        reason = f"used in {self.uses} place(s), first at {self.first_use}"
        return (f"[[field]]\nmodel = {_quote(self.model)}\nfield = {_quote(self.field)}\n"
                f"type = {_quote(self.type)}\nowner = {_quote(owner)}\n"
                f"reason = {_quote(reason)}\n")


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
                 "\f": "\\f", "\r": "\\r"}


def _quote(text: str) -> str:
    """A TOML basic string holding exactly ``text``: quotes, backslashes and every
    control character escaped (a newline in ``--owner`` or in a file name must not
    end the string and start a table of its own)."""
    out = []
    for ch in text:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def suggest(usage: UsageMap, schema: Schema, sacred: SacredFields) -> tuple[Suggestion, ...]:
    counts: dict[tuple[str, str], list[str]] = {}
    for row in usage.rows:
        if row[2] != "field" or row[6] == "text":
            continue
        counts.setdefault((row[0], row[1]), []).append(f"{row[3]}:{row[4]}")
    out = []
    for (model_name, field_name), where in sorted(counts.items()):
        model = schema.model(model_name)
        found = model.field(field_name) if model else None
        if found is None or found.is_relation or sacred.get(model_name, field_name):
            continue
        out.append(Suggestion(model_name, field_name, found.prisma_type, len(where), where[0]))
    return tuple(out)


def to_toml(suggestions: tuple[Suggestion, ...], owner: str = "unassigned") -> str:
    if not suggestions:
        return ""
    head = ("# Proposed by `nemoctl sacred suggest` from the code's uses; review each entry\n"
            "# (owner, reason) before relying on it.\n")
    return head + "\n" + "\n".join(s.to_toml(owner) for s in suggestions)


def append_to(path: Path, suggestions: tuple[Suggestion, ...], owner: str = "unassigned",
              *, root: Path | None = None) -> None:
    """Append the proposals to ``path`` (atomically, under the link rule within ``root``).

    The result is parsed back as sacred fields before it is written: a file that would
    not load afterwards is never written (exit 2).
    """
    from nemoctl._atomic import write_atomic, write_target
    from nemoctl._limits import loads_toml
    from nemoctl.config import read_text
    from nemoctl.diff.sacred import parse_sacred
    from nemoctl.errors import ConfigError

    root = root or path.parent
    target = write_target(path, root)  # refuses a link leaving the project, a directory
    text = read_text(target) if target.is_file() else ""
    addition = to_toml(suggestions, owner)
    if not addition:
        return
    sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    updated = text + sep + addition
    try:
        parse_sacred(loads_toml(updated), source=str(path))
    except (ConfigError, ValueError) as exc:
        raise ConfigError(f"appending to {path} would not give valid sacred fields ({exc}); "
                          "nothing was written") from None
    mode = target.stat().st_mode & 0o7777 if target.is_file() else None
    write_atomic(target, updated.encode("utf-8"), mode=mode, root=root)
