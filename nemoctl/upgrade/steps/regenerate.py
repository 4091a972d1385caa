"""``regenerate``: the generated files (snapshot, JSON Schema, lock, pydantic and
TypeScript models) rendered from the new schema and written through the transaction;
in verify mode without ``--write``, only compared (``stale``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nemoctl.config import Config
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need
from nemoctl.upgrade.steps.schema import SchemaResult


@dataclass(frozen=True, slots=True)
class RegenerateResult(Outcome):
    written: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    #: Compared only (verify without --write): files that differ from what the version
    #: produces, or are no longer produced.
    stale: tuple[str, ...] = ()
    compared: bool = False

    @property
    def detail(self) -> str:
        if self.compared:
            return f"{len(self.stale)} generated file(s) out of date"
        return f"{len(self.written)} written, {len(self.deleted)} removed"

    def keep(self, sections: Sections) -> None:
        sections.regenerate = self


def output_path(config: Config, rel: str) -> Path:
    """Map codegen's repo-relative keys onto the configured directories."""
    head, _, rest = rel.partition("/")
    if head == "schemas":
        return config.schemas_dir / rest
    if head == "generated":
        return config.generated_dir / rest
    return config.root / rel


def render_generated(config: Config, schema: SchemaResult, version: str) -> dict[Path, bytes]:
    from nemoctl.codegen.render import cached_render_outputs

    # Served from the verified render cache when this schema was rendered before (a
    # repeated or retried upgrade, CI after a local run): no generator, no proof.
    outputs = cached_render_outputs(
        schema.text, upstream_version=version, wheel_sha256=schema.wheel_sha256,
        options=config.codegen,
    )
    return {output_path(config, rel): data for rel, data in outputs.items()}


def stale_generated(config: Config, outputs: dict[Path, bytes]) -> list[Path]:
    """Generated files no longer produced (a model removed upstream)."""
    dirs = {p.parent for p in outputs if p.is_relative_to(config.generated_dir)}
    suffixes = {"".join(p.suffixes[-2:]) if p.name.endswith(".d.ts") else p.suffix for p in outputs}
    stale = []
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            kind = ".d.ts" if path.name.endswith(".d.ts") else path.suffix
            if path.is_file() and path not in outputs and kind in suffixes:
                stale.append(path)
    return stale


def _run(ctx: Context) -> RegenerateResult:
    config = ctx.config
    schema, version = need(ctx.done.schema, "schema"), need(ctx.done.resolve, "resolve").version
    outputs = (ctx.rendering.result() if ctx.rendering is not None
               else render_generated(config, schema, version))

    def rel(path: Path) -> str:
        return path.relative_to(config.root).as_posix()

    if ctx.txn is None:
        differing = [p for p, data in outputs.items() if not p.is_file() or p.read_bytes() != data]
        stale = [*differing, *stale_generated(config, outputs)]
        return RegenerateResult(stale=tuple(sorted(rel(p) for p in stale)), compared=True)
    written = [rel(p) for p, data in outputs.items() if ctx.txn.write_bytes(p, data)]
    deleted = [rel(p) for p in stale_generated(config, outputs) if ctx.txn.delete(p)]
    if ctx.background is not None:
        ctx.background.release()  # the regenerated models exist: the tests may run
    return RegenerateResult(tuple(sorted(written)), tuple(sorted(deleted)))


STEP = Step("regenerate", _run, writes=True)
