"""The usage map: which models, fields, tables and enum values the project's code uses, where."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from nemoctl.diff.report import Change, Use
from nemoctl.schema.model import Schema

#: What a use points at.  ``member`` is the Prisma field, the enum value, or "".
#: ``possible``: a place that reaches the whole table without naming its columns
#: (``SELECT *``, SQL that does not parse, a reflected table...): every column, index
#: and constraint of the model is "possibly used" there.
TargetKind = Literal["model", "field", "enum", "enum_value", "possible"]

#: Why a ``possible`` row makes a table's columns possibly used, by its kind.
POSSIBLE_REASONS: dict[str, str] = {
    "select-star": "reads or writes every column (SELECT *, select(\"*\"), a query with "
                   "no column list)",
    "unresolved-sql": "SQL naming the table that cannot be fully resolved (a parse error, "
                      "an interpolation or concatenation with an unknown value)",
    "reflected": "a reflected or mapped table whose columns are not written in the code",
    "dynamic": "a column chosen at run time (getattr or a key that is not a literal)",
    "unparsed-file": "a file naming the table that does not parse",
    "text": "a mention of the table's name that no parser accounts for",
}


@dataclass(frozen=True, slots=True, order=True)
class Usage:
    """One use of one target."""

    model: str
    member: str
    target: TargetKind
    use: Use

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "model": self.model, "member": self.member or None,
                **self.use.to_dict()}


@dataclass(frozen=True, slots=True)
class SkippedFile:
    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason}


#: One use as plain data: (model, member, target, path, line, column, kind, snippet).
#: Scans of large repositories hold tens of thousands: they stay tuples (sorted in C,
#: cached as JSON arrays) and become :class:`Usage` objects only when asked for.
Row = tuple[str, str, str, str, int, int, str, str]


#: Rules whose change constrains the table's writers: an INSERT that names none of the
#: columns involved (it relies on a default, or on no key being there) breaks too.
WRITER_RULES = frozenset({"FIELD_ADDED_REQUIRED", "FIELD_BECAME_REQUIRED", "DEFAULT_REMOVED",
                          "UNIQUE_ADDED", "PRIMARY_KEY_CHANGED"})


def _added(change: Change) -> bool:
    return change.subject in ("field", "index") and not change.before and bool(change.after)


def _uses(rows: Iterable[Row]) -> tuple[Use, ...]:
    unique = sorted({r[3:] for r in rows})
    return tuple(Use(p, ln, col, kind, snip)  # type: ignore[arg-type]
                 for p, ln, col, kind, snip in unique)


def _usage(row: Row) -> Usage:
    model, member, target, path, line, column, kind, snippet = row
    return Usage(model, member, target, Use(path, line, column, kind, snippet))  # type: ignore[arg-type]


@dataclass(frozen=True)
class UsageMap:
    """Every use found in one scan, in place order (path, line, column); plus what was
    skipped or could not be parsed."""

    rows: tuple[Row, ...]
    files_scanned: int
    skipped: tuple[SkippedFile, ...] = ()
    #: Files a parser rejected: (path, parser message).  Reported, never fatal.
    unparseable: tuple[SkippedFile, ...] = ()
    cache_hits: int = 0
    by_language: dict[str, int] = field(default_factory=dict)
    #: Enum → the models with a column of that type (see :meth:`possible_for`).
    enum_models: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def uses(self) -> tuple[Usage, ...]:
        return tuple(_usage(r) for r in self.rows)

    def _index(self) -> dict[str, list[Row]]:
        cached: dict[str, list[Row]] | None = self.__dict__.get("_by_model")
        if cached is None:
            cached = {}
            for row in self.rows:
                cached.setdefault(row[0], []).append(row)
            object.__setattr__(self, "_by_model", cached)
        return cached

    def of_model(self, model: str) -> tuple[Usage, ...]:
        return tuple(_usage(r) for r in self._index().get(model, ()))

    def of_member(self, model: str, member: str) -> tuple[Usage, ...]:
        return tuple(_usage(r) for r in self._index().get(model, ()) if r[1] == member)

    def uses_for(self, change: Change) -> tuple[Use, ...]:
        """The uses a finding is judged by (see docs/impact.md, "What counts as a use")."""
        rows = self._index().get(change.model, ())
        if _added(change):
            # Nothing can name what does not exist yet: a required column or a unique
            # key that is added breaks the table's writers, judged by possible_for().
            return ()
        if change.subject == "field" or change.subject == "enum_value":
            # An enum value is also "used" by code that names the enum type itself.
            found: Iterable[Row] = (r for r in rows if r[1] == change.field or (
                change.subject == "enum_value" and not r[1]))
        elif change.subject == "index":
            columns = {c.split(" ")[0] for c in change.field.split(", ") if c}
            found = (r for r in rows if r[1] in columns)
        else:
            found = rows
        if change.subject != "model" and change.subject != "enum":
            found = (r for r in found if r[2] != "possible")
        return _uses(found)

    def possible_for(self, change: Change) -> tuple[Use, ...]:
        """The places that make a change "possibly used" (never re-levelled): rows that
        reach the change's table without naming its columns; for a change that constrains
        writers (:data:`WRITER_RULES`), every place that reaches the table at all."""
        if change.subject in ("enum", "enum_value"):
            if self.uses_for(change):
                return ()
            # A value nothing names may still be stored or read through a column of
            # that type (a string literal, a row copied whole): every place that
            # reaches such a table.
            index = self._index()
            return _uses(r for m in self.enum_models.get(change.model, ())
                         for r in index.get(m, ()))
        if change.subject == "model":
            return ()
        rows = self._index().get(change.model, ())
        if change.rule_id in WRITER_RULES:
            return _uses(rows)
        return _uses(r for r in rows if r[2] == "possible")

    def possible_tables(self) -> dict[str, tuple[Use, ...]]:
        """Model → the places that make its whole table possibly used."""
        return {model: _uses(r for r in rows if r[2] == "possible")
                for model, rows in sorted(self._index().items())
                if any(r[2] == "possible" for r in rows)}

    def by_db_name(self, schema: Schema) -> dict[tuple[str, str], list[str]]:
        """Uses keyed by database names, ``(table, column)`` (column "" for the table
        itself), as ``path:line`` strings: the shape the migration gate's cross-check
        (``nemoctl.migrations`` ``GateRequest.used``) takes."""
        out: dict[tuple[str, str], list[str]] = {}
        for model_name, member, target, path, line, *_ in self.rows:
            model = schema.model(model_name)
            if model is None or target not in ("model", "field", "possible"):
                continue  # a place that reaches the whole table uses the table itself
            found = model.field(member) if member else None
            column = found.column if found is not None and not found.is_relation else ""
            if member and not column:
                continue
            places = out.setdefault((model.table, column), [])
            where = f"{path}:{line}"
            if where not in places:
                places.append(where)
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "files_scanned": self.files_scanned,
            "uses": len(self.rows),
            "cache_hits": self.cache_hits,
            "by_language": dict(sorted(self.by_language.items())),
            "skipped": [s.to_dict() for s in self.skipped],
            "unparseable": [s.to_dict() for s in self.unparseable],
            # Tables some place reaches without naming columns: every column, index and
            # constraint of these is "possibly used" (never re-levelled).
            "possibly_used_tables": {
                model: [f"{u.path}:{u.line}:{u.column} {u.kind}" for u in places]
                for model, places in self.possible_tables().items()},
        }

    def to_dict(self) -> dict[str, Any]:
        models: dict[str, dict[str, Any]] = {}
        for model, member, _target, path, line, column, kind, snippet in self.rows:
            entry = models.get(model)
            if entry is None:
                entry = models[model] = {"model": model, "uses": [], "members": {}}
            use = {"path": path, "line": line, "column": column, "kind": kind,
                   "snippet": snippet}
            if member:
                entry["members"].setdefault(member, []).append(use)
            else:
                entry["uses"].append(use)
        return {"scan": self.summary(), "models": [models[m] for m in sorted(models)]}
