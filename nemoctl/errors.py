"""The errors nemoctl's library raises, each bound to a documented exit code.

The CLI catches :class:`NemoctlError` and exits with its ``exit_code``; anything
else is a bug and exits with :data:`ExitCode.INTERNAL`.  See ``docs/exit-codes.md``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    #: The command ran and found changes at or above ``--fail-on`` (diff, check, generate --check).
    FINDINGS = 1
    #: Bad input: an invalid version, a malformed file, a missing pin, a dirty tree.
    BAD_INPUT = 2
    #: The requested version (with its coupled pins) does not resolve, or is refused
    #: by the supply-chain policy.
    UNRESOLVABLE = 3
    #: Blocked by schema policy: a sacred field changed or an unacknowledged ERR.
    BLOCKED = 4
    #: The upstream contract suite failed.
    CONTRACTS_FAILED = 5
    #: Another nemoctl run holds the repository lock.
    BUSY = 6
    #: The machine cannot do what was asked: a read-only or unwritable directory
    #: (project, cache), a full disk, node/npm missing or the node tools not installable.
    ENVIRONMENT = 7
    #: The project's own type checkers fail against the new generated types (upgrade).
    TYPECHECK_FAILED = 8
    #: Ctrl-C; every file has been restored.
    INTERRUPTED = 130
    #: A bug in nemoctl: nothing else exits 70.
    INTERNAL = 70


class NemoctlError(Exception):
    """Base class: a failure the user can act on, with a clear one-line message."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(NemoctlError):
    """A missing or malformed configuration or project file."""

    exit_code = ExitCode.BAD_INPUT


class BadInputError(NemoctlError):
    exit_code = ExitCode.BAD_INPUT


class SchemaParseError(NemoctlError):
    """Prisma rejected a schema; ``message`` carries Prisma's own text with file:line."""

    exit_code = ExitCode.BAD_INPUT


class EnvironmentProblem(NemoctlError):
    """The file system or toolchain refuses: read-only, unwritable, full disk."""

    exit_code = ExitCode.ENVIRONMENT


class ToolchainError(EnvironmentProblem):
    """node/npm missing, or the pinned node tools could not be installed."""


class FetchError(NemoctlError):
    """A version could not be found or downloaded from the configured indexes."""

    exit_code = ExitCode.UNRESOLVABLE


class ResolutionError(NemoctlError):
    exit_code = ExitCode.UNRESOLVABLE


class SupplyChainError(NemoctlError):
    """A release refused by policy: yanked, withdrawn, too new, bad hash, advisory."""

    exit_code = ExitCode.UNRESOLVABLE


class BlockedError(NemoctlError):
    exit_code = ExitCode.BLOCKED


class ContractsFailedError(NemoctlError):
    exit_code = ExitCode.CONTRACTS_FAILED


class ModelsStaleError(NemoctlError):
    """The committed generated models no longer describe a version (contracts held)."""

    exit_code = ExitCode.FINDINGS


class BusyError(NemoctlError):
    exit_code = ExitCode.BUSY


class FileSystemInputError(BadInputError):
    """A path given or configured is the wrong kind: a file where a directory belongs,
    a name too long for the file system."""


_ENVIRONMENT_ERRNOS = {"EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "EMFILE", "ENFILE"}
_INPUT_ERRNOS = {"ENOTDIR", "EISDIR", "EEXIST", "ENAMETOOLONG", "ENOENT", "ELOOP", "EINVAL"}


def from_os_error(exc: OSError) -> NemoctlError | None:
    """The documented error for an OSError nobody classified, or ``None`` (a bug).

    Commands open files in many places; rather than wrapping each, the CLI boundary
    maps the file-system's own answer to the exit code its cause deserves.
    """
    import errno as _errno

    name = _errno.errorcode.get(exc.errno or 0, "")
    where = _short(exc.filename) if exc.filename is not None else "a path"
    reason = exc.strerror or type(exc).__name__
    if exc.filename2 is not None:
        where = f"{where} -> {_short(exc.filename2)}"
    if name in _ENVIRONMENT_ERRNOS:
        verb = "cannot write" if name in ("EROFS", "ENOSPC", "EDQUOT") else "cannot use"
        return EnvironmentProblem(
            f"{verb} {where}: {reason}",
            hint="check the directory's permissions and free space "
            "(the cache root is $NEMOCTL_CACHE_DIR)",
        )
    if name in _INPUT_ERRNOS:
        return FileSystemInputError(f"{where}: {reason}")
    return None


def _short(name: object, limit: int = 160) -> str:
    text = str(name)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


class TypecheckFailedError(NemoctlError):
    """``[tool.nemoctl.impact] typecheck`` failed against the regenerated types."""

    exit_code = ExitCode.TYPECHECK_FAILED


class UnprotectedError(ConfigError):
    """No schema snapshot or no sacred fields, and ``--allow-unprotected`` not given."""


class InitConflictError(BadInputError):
    """``nemoctl init`` would overwrite a file that differs; nothing was written."""
