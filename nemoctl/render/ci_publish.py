"""Where a ``nemoctl ci`` report goes: the GitHub job summary, a PR-comment file, annotations."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nemoctl.errors import BadInputError
from nemoctl.redact import redact
from nemoctl.render.ci import to_annotations, to_markdown

if TYPE_CHECKING:
    from nemoctl.ci.run import CiResult


@dataclass(frozen=True, slots=True)
class Published:
    markdown: str
    annotations: str
    #: Files written (job summary, report file).
    files: tuple[Path, ...]


def publish(
    result: CiResult,
    *,
    report_file: Path | None = None,
    step_summary: Path | None = None,
) -> Published:
    """Write the markdown to ``report_file`` and append it to the job summary.

    ``step_summary`` defaults to ``$GITHUB_STEP_SUMMARY`` (set in GitHub Actions jobs);
    the summary is appended to, as GitHub expects, the report file is replaced.
    """
    # A report file outlives the job log: mask secrets in it the same way.
    markdown = redact(to_markdown(result))
    written: list[Path] = []
    summary = step_summary
    if summary is None and os.environ.get("GITHUB_STEP_SUMMARY"):
        summary = Path(os.environ["GITHUB_STEP_SUMMARY"])
    if summary is not None:
        try:
            with summary.open("a", encoding="utf-8") as fh:
                fh.write(markdown + "\n")
        except OSError as exc:
            raise BadInputError(
                f"cannot append to the job summary {summary}: {exc.strerror}"
            ) from None
        written.append(summary)
    if report_file is not None:
        try:
            report_file.parent.mkdir(parents=True, exist_ok=True)
            report_file.write_text(markdown, encoding="utf-8")
        except OSError as exc:
            raise BadInputError(f"cannot write {report_file}: {exc.strerror}") from None
        written.append(report_file)
    return Published(markdown=markdown, annotations=redact(to_annotations(result)),
                     files=tuple(written))
