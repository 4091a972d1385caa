"""Decide whether a release may be adopted: yanks, withdrawal, age, integrity, advisories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from nemoctl.config import Config
from nemoctl.errors import SupplyChainError
from nemoctl.supply_chain.advisories import Advisory, load_advisories, matching_advisories
from nemoctl.supply_chain.policy import Finding, describe_age, parse_age
from nemoctl.supply_chain.report import SupplyChainReport
from nemoctl.upstream import check_package_name, normalize_version

if TYPE_CHECKING:
    from nemoctl.upstream import FetchedWheel, IndexListing, Release


def evaluate(
    package: str,
    version: str,
    config: Config,
    *,
    allow_yanked: bool = False,
    now: datetime | None = None,
    wheel: FetchedWheel | None = None,
    verify_integrity: bool = True,
) -> SupplyChainReport:
    """Check ``package==version`` against the project's supply-chain policy.

    Metadata comes from pip's configured indexes; the wheel (fetched through pip
    unless given) is compared with every hash the indexes publish for it.
    Advisories are read from the local OSV file, so that part works offline.
    """
    # Imported here: a recalled verdict (warm ``diff --from VERSION``) asks no index.
    from nemoctl.upstream import fetch_wheel, query_index

    project = check_package_name(package)
    version = normalize_version(version)
    now = now or datetime.now(UTC)
    refusals: list[Finding] = []
    warnings: list[Finding] = []

    advisories = _advisories(config, project, version)
    refusals += [Finding("advisory", f"{project} {version} is affected by {a.describe()}")
                 for a in advisories]

    listing = query_index(project)
    sources = tuple(s.to_dict() for s in listing.sources)
    release = listing.release(version)
    if release is None:
        refusals.append(Finding("withdrawn", _withdrawn_message(project, version, listing)))
        return SupplyChainReport(project, version, tuple(refusals), tuple(warnings),
                                 withdrawn=True, advisories=tuple(advisories), sources=sources,
                                 allow_yanked=allow_yanked)

    _check_yank(project, version, release, listing, allow_yanked, refusals, warnings)

    # A release already refused cannot be adopted: do not download it just to hash it.
    if verify_integrity and wheel is None and not refusals:
        try:
            wheel = fetch_wheel(project, version)
        except SupplyChainError as exc:
            refusals.append(Finding("integrity", exc.message))
    if wheel is not None:
        _check_integrity(wheel, release, refusals, warnings)

    upload_time = _relevant_upload_time(release, wheel)
    age = now - upload_time if upload_time else None
    eligible_at = None
    if config.minimum_release_age:
        minimum = parse_age(config.minimum_release_age)
        if upload_time is None:
            finding = Finding("upload-time", _no_upload_time_message(project, version, listing,
                                                                     config.missing_upload_time))
            (refusals if config.missing_upload_time == "refuse" else warnings).append(finding)
        elif minimum > timedelta(0):
            eligible_at = upload_time + minimum
            if age is not None and age < minimum:
                refusals.append(Finding("age", (
                    f"{project} {version} was uploaded {_stamp(upload_time)} "
                    f"({describe_age(age)} ago), younger than minimum-release-age "
                    f"{config.minimum_release_age!r}; it becomes eligible {_stamp(eligible_at)}"
                )))

    return SupplyChainReport(
        package=project,
        version=version,
        refusals=tuple(refusals),
        warnings=tuple(warnings),
        upload_time=upload_time,
        age=age,
        minimum_age=config.minimum_release_age,
        eligible_at=eligible_at,
        yanked=release.yanked,
        yanked_reason=release.yanked_reason,
        wheel_filename=wheel.filename if wheel else None,
        wheel_sha256=wheel.sha256 if wheel else None,
        index_sha256=wheel.index_sha256 if wheel else None,
        advisories=tuple(advisories),
        sources=sources,
        allow_yanked=allow_yanked,
    )


def enforce(report: SupplyChainReport) -> None:
    """Raise SupplyChainError (exit 3) listing every refusal, if there is any."""
    if report.ok:
        return
    lines = [f"{report.package} {report.version} is refused by the supply-chain policy:"]
    # No square brackets: the CLI prints messages through rich, which reads them as markup.
    lines += [f"  - {f.check}: {f.message}" for f in report.refusals]
    hints = []
    if any(f.check == "yanked" for f in report.refusals):
        hints.append("pass --allow-yanked to accept a yanked release deliberately")
    if any(f.check == "age" for f in report.refusals):
        hints.append("wait, or lower [tool.nemoctl] minimum-release-age")
    if any(f.check == "advisory" for f in report.refusals):
        hints.append("pick a fixed version, or update the advisories file if it is wrong")
    raise SupplyChainError("\n".join(lines), hint="; ".join(hints) or None)


def check_advisories(config: Config, version: str, package: str | None = None) -> list[str]:
    """Problems (one line each) if ``version`` of the upstream matches an advisory."""
    project = check_package_name(package or config.upstream().package)
    return [f"{project} {normalize_version(version)} is affected by {a.describe()}"
            for a in _advisories(config, project, normalize_version(version))]


def _advisories(config: Config, project: str, version: str) -> list[Advisory]:
    if config.advisories is None:
        return []
    return matching_advisories(load_advisories(config.advisories), project, version)


def _check_yank(project: str, version: str, release: Release, listing: IndexListing,
                allow_yanked: bool, refusals: list[Finding], warnings: list[Finding]) -> None:
    if release.yanked:
        reason = release.yanked_reason or "no reason given"
        message = f"{project} {version} was yanked from the index (reason: {reason})"
        if allow_yanked:
            warnings.append(Finding("yanked", message + "; accepted because of --allow-yanked"))
        else:
            refusals.append(Finding("yanked", message))
        return
    blind = sorted({f.source for f in release.files}
                   & {s.url for s in listing.sources if not s.has_yank_data})
    if blind and not any(s.has_yank_data and s.found for s in listing.sources):
        warnings.append(Finding("yanked", (
            f"yank status of {project} {version} is unknown: "
            f"{', '.join(blind)} cannot mark releases as yanked"
        )))


def _check_integrity(wheel: FetchedWheel, release: Release, refusals: list[Finding],
                     warnings: list[Finding]) -> None:
    entries = release.file(wheel.filename)
    published = {(f.source, f.sha256) for f in entries if f.sha256}
    if not published:
        warnings.append(Finding("integrity", (
            f"no configured index publishes a sha256 for {wheel.filename}; "
            f"recorded the downloaded file's {wheel.sha256}"
        )))
        return
    for source, sha in sorted(published):
        if sha != wheel.sha256:
            refusals.append(Finding("integrity", (
                f"{source} publishes sha256 {sha} for {wheel.filename}, but the wheel "
                f"hashes to {wheel.sha256}"
            )))


def _relevant_upload_time(release: Release, wheel: FetchedWheel | None) -> datetime | None:
    # The file actually adopted decides its age; otherwise the newest file of the
    # release (a file added late to an old release counts as new).
    if wheel is not None:
        times = [f.upload_time for f in release.file(wheel.filename) if f.upload_time]
        if times:
            return max(times)
    return release.upload_time


def _withdrawn_message(project: str, version: str, listing: IndexListing) -> str:
    newest = [r.version for r in listing.releases[:3]]
    there = f"; newest there: {', '.join(newest)}" if newest else ""
    return (
        f"{project} {version} is not on any configured index (searched: {listing.searched()}): "
        f"it was withdrawn (deleted) from the index or never published{there}"
    )


def _no_upload_time_message(project: str, version: str, listing: IndexListing,
                            policy: str) -> str:
    kinds = ", ".join(f"{s.url} ({s.kind})" for s in listing.sources
                      if s.found and not s.has_upload_times)
    action = "refusing (missing-upload-time = \"refuse\")" if policy == "refuse" else \
        "minimum-release-age cannot be checked (missing-upload-time = \"warn\")"
    return (f"no upload time is published for {project} {version} "
            f"(sources without PEP 700 upload times: {kinds or 'none'}); {action}")


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
