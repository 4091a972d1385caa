"""pip's effective index configuration, read through pip's own option parser.

nemoctl never keeps a second copy of "where packages come from": the indexes,
find-links, proxy and certificates it uses for metadata are exactly the ones
``pip download`` will use for the bytes (config files, ``PIP_*`` variables,
``PIP_CONFIG_FILE=/dev/null``, ``--isolated``-style env, in pip's precedence).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass

from nemoctl import redact
from nemoctl._atomic import write_atomic
from nemoctl.errors import ToolchainError
from nemoctl.redact import url_secrets


@dataclass(frozen=True, slots=True)
class PipSettings:
    """The subset of pip's options that decides where distributions come from."""

    index_urls: tuple[str, ...]
    find_links: tuple[str, ...]
    proxy: str | None = None
    cert: str | None = None
    client_cert: str | None = None
    trusted_hosts: tuple[str, ...] = ()
    timeout: float = 15.0

    def sources(self) -> list[str]:
        """Every place searched, credentials redacted, in pip's order."""
        return [redact_url(u) for u in (*self.index_urls, *self.find_links)]

    def fingerprint(self) -> str:
        """Identifies this source configuration (and interpreter) for cache keys.

        The same version can be a different file on a different index (a test
        index, a private mirror), so cache references are per configuration.
        """
        payload = {
            "index_urls": self.index_urls,
            "find_links": self.find_links,
            "python": f"{sys.implementation.name}{sys.version_info[0]}{sys.version_info[1]}",
            "platform": sys.platform,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["index_urls"] = [redact_url(u) for u in self.index_urls]
        data["find_links"] = [redact_url(u) for u in self.find_links]
        data["proxy"] = redact_url(self.proxy) if self.proxy else None
        return data


_memo: dict[tuple[tuple[str, str], ...], PipSettings] = {}


def _env_key() -> tuple[tuple[str, str], ...]:
    relevant = {"HOME", "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS", "VIRTUAL_ENV"}
    return tuple(sorted(
        (k, v) for k, v in os.environ.items() if k.startswith("PIP_") or k in relevant
    ))


def pip_settings() -> PipSettings:
    """pip's effective settings for ``pip download`` in this environment."""
    key = _env_key()
    cached = _memo.get(key)
    if cached is None:
        cached = _memo[key] = _read_pip_settings()
        # Index credentials may come from pip.conf, not only the environment.
        for url in (*cached.index_urls, *cached.find_links, cached.proxy or ""):
            redact.register_secret(*url_secrets(url))
    return cached


def settings_fingerprint() -> str:
    """``pip_settings().fingerprint()``, without importing pip when nothing changed.

    Reading pip's configuration costs ~0.3 s (pip's option parser), too much for a
    warm ``nemoctl diff``.  The fingerprint is remembered on disk, keyed by the
    environment and the bytes of every file pip would read its configuration from
    (the candidate list is recorded with it); any change there reads pip afresh.
    Only hashes are stored, never URLs or credentials.
    """
    from nemoctl.paths import cache_dir

    env_key = hashlib.sha256(json.dumps(
        [_env_key(), sys.prefix, sys.executable], sort_keys=True
    ).encode()).hexdigest()[:32]
    memo = cache_dir() / "pip-settings" / f"{env_key}.json"
    try:
        record = json.loads(memo.read_text(encoding="utf-8"))
        if record["files_sha256"] == _files_digest(record["files"]):
            return str(record["fingerprint"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    fingerprint = pip_settings().fingerprint()
    files = _config_file_candidates()
    with contextlib.suppress(OSError):  # a read-only cache only costs speed
        write_atomic(memo, json.dumps({"files": files, "files_sha256": _files_digest(files),
                                       "fingerprint": fingerprint}).encode())
    return fingerprint


def _config_file_candidates() -> list[str]:
    """Every file pip may read its configuration from in this environment."""
    from pip._internal.configuration import get_configuration_files

    files = [f for group in get_configuration_files().values() for f in group]
    if os.environ.get("PIP_CONFIG_FILE"):
        files.append(os.environ["PIP_CONFIG_FILE"])
    return sorted(dict.fromkeys(files))


def _files_digest(files: list[str]) -> str:
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0")
        try:
            with open(name, "rb") as fh:
                digest.update(b"+" + hashlib.sha256(fh.read()).digest())
        except OSError:
            digest.update(b"-")  # absent (or unreadable) is part of the state
    return digest.hexdigest()


def _read_pip_settings() -> PipSettings:
    try:
        # pip has no public API; its option parser is the only exact reading of its
        # precedence rules. Imported lazily: it costs ~0.3 s.
        from pip._internal.cli import cmdoptions
        from pip._internal.cli.parser import ConfigOptionParser

        parser = ConfigOptionParser(name="download", isolated=False, add_help_option=False)
        for group in (cmdoptions.general_group, cmdoptions.index_group):
            parser.add_option_group(cmdoptions.make_option_group(group, parser))
        options, _ = parser.parse_args([])
    except SystemExit as exc:  # pip reports bad configuration by exiting
        raise ToolchainError(f"pip rejected its configuration (exit {exc.code})") from None
    except Exception as exc:  # pragma: no cover - only if pip's internals move
        raise ToolchainError(f"cannot read pip's configuration: {exc}") from None

    indexes: list[str] = []
    if not options.no_index:
        indexes = [options.index_url, *options.extra_index_urls]
    return PipSettings(
        index_urls=tuple(dict.fromkeys(u for u in indexes if u)),
        find_links=tuple(dict.fromkeys(f for f in options.find_links if f)),
        proxy=options.proxy or None,
        cert=options.cert or None,
        client_cert=options.client_cert or None,
        trusted_hosts=tuple(options.trusted_hosts or ()),
        timeout=float(options.timeout or 15.0),
    )


def redact_url(url: str) -> str:
    """``https://user:secret@host/x?token=t`` -> ``https://user:***@host/x?token=***``."""
    return redact.current().text(url)


def redact_text(text: str, settings: PipSettings) -> str:
    """Mask every configured source's credentials in free text (pip's own output)."""
    secrets = [v for url in (*settings.index_urls, *settings.find_links, settings.proxy or "")
               for v in url_secrets(url)]
    return redact.current().with_secrets(*secrets).text(text)
