"""The provenance rules: LiteLLM never forked, never patched, installed as published.

Registered at import in the findings kernel's one registry.  ``SOURCE_*``: where the
project takes LiteLLM from; ``INSTALL_*``: what its environment holds; ``PATCH_*``:
patch files and the commands that apply them.  (``API_RUNTIME_PATCH``, monkeypatches in
the consumer's code, belongs to the API surface: ``nemoctl/apisurface``.)
"""

from __future__ import annotations

from nemoctl.findings import RuleSpec, Severity, register

SURFACE = "provenance"

_INDEX_FIX = (
    "pin it from the package index: remove the entry that names another source and "
    "keep the exact pin (`litellm[proxy]==X.Y.Z`), then re-lock (`uv lock` / "
    "`poetry lock` / `pip-compile`); read LiteLLM's source in the read-only copy "
    "`nemoctl upstream source` gives, and change nothing in it"
)
_REINSTALL_FIX = (
    "reinstall it from the index: `uv sync --reinstall-package litellm` (uv), "
    "`poetry run pip install --force-reinstall --no-deps litellm==X.Y.Z` (Poetry), "
    "`pip install --force-reinstall --no-deps litellm==X.Y.Z` (pip); behaviour you need "
    "belongs in your own code (a callback, a hook, a wrapper), not in LiteLLM's files"
)
_PATCH_FIX = (
    "delete the patch and the command that applies it; move the behaviour into your own "
    "code (LiteLLM's callbacks and hooks), or report it upstream and wait for the release "
    "that fixes it, then `nemoctl upgrade` to it"
)



def _rule(rule_id: str, severity: Severity, summary: str, rationale: str, fix: str, *,
          example: str = "") -> RuleSpec:
    return RuleSpec(id=rule_id, surface=SURFACE, severity=severity, summary=summary,
                    rationale=rationale, fix=fix, example=example, group=rule_id.split("_")[0])


RULES: tuple[RuleSpec, ...] = (
    _rule(
        "SOURCE_GIT", "ERR",
        "LiteLLM (or a package released with it) is installed from a version-control "
        "checkout",
        "a git source is a fork: its code is not the release nemoctl fetched, diffed and "
        "tested, and the pin no longer says what runs",
        _INDEX_FIX,
        example='[tool.uv.sources]\nlitellm = { git = "https://github.com/someone/litellm", '
        'rev = "abc123" }',
    ),
    _rule(
        "SOURCE_PATH", "ERR",
        "LiteLLM is installed from a local path (a directory, a wheel or an sdist file)",
        "a local copy can hold any change; nothing ties it to the published release",
        _INDEX_FIX,
        example='litellm = { path = "../litellm" }',
    ),
    _rule(
        "SOURCE_EDITABLE", "ERR",
        "LiteLLM is an editable install of a local checkout",
        "an editable install runs whatever the checkout holds today; an upgrade that moves "
        "the pin does not move it",
        _INDEX_FIX,
        example='litellm = { path = "../litellm", editable = true }\n-e ../litellm',
    ),
    _rule(
        "SOURCE_URL", "ERR",
        "LiteLLM is installed from a direct URL",
        "an archive at a URL is not the index's release: its bytes are not the ones the "
        "supply-chain policy checked",
        _INDEX_FIX,
        example="litellm @ https://example.com/litellm-1.102.4-py3-none-any.whl",
    ),
    _rule(
        "SOURCE_INDEX_OVERRIDE", "ERR",
        "LiteLLM comes from another index, or --find-links, than the configured one",
        "nemoctl verifies the wheel from pip's configured index; another index or a "
        "find-links directory can serve a different file under the same version",
        "remove the per-package index / --find-links / --index-url override, or configure "
        "that index for pip too (pip.conf / PIP_INDEX_URL) so nemoctl verifies what you "
        "install",
        example="litellm==1.102.4 --find-links ./wheels",
    ),
    _rule(
        "SOURCE_UNIDENTIFIED", "WARN",
        "a URL or path requirement whose package cannot be told: possibly LiteLLM",
        "nemoctl relaxes nothing it cannot prove: a path without a readable pyproject.toml "
        "or a URL without a package name could be LiteLLM",
        "name the package (`name @ url`, `#egg=name`), or make the path's pyproject.toml "
        "readable; if it is LiteLLM, pin it from the index instead",
        example="-e ../vendor/gateway-lib",
    ),
    _rule(
        "INSTALL_MODIFIED", "ERR",
        "a file of the installed LiteLLM differs from its RECORD hash",
        "the environment runs code that was not published: the contracts and the schema "
        "diff vouch for another LiteLLM than the one that runs",
        _REINSTALL_FIX,
    ),
    _rule(
        "INSTALL_ADDED", "ERR",
        "a file inside the installed LiteLLM's packages is not in its RECORD",
        "an added module (or a sitecustomize-style drop-in) changes LiteLLM without "
        "touching a recorded file",
        _REINSTALL_FIX,
    ),
    _rule(
        "INSTALL_MISSING", "ERR",
        "a file the installed LiteLLM's RECORD lists is missing (or RECORD is unreadable)",
        "a deleted module changes behaviour as much as an edited one",
        _REINSTALL_FIX,
    ),
    _rule(
        "INSTALL_RECORD_MISMATCH", "ERR",
        "the installed RECORD disagrees with the published wheel's RECORD",
        "editing a file and its RECORD line together hides the edit from a RECORD check; "
        "the published wheel's RECORD cannot be edited",
        _REINSTALL_FIX,
    ),
    _rule(
        "INSTALL_NOT_FROM_INDEX", "ERR",
        "the installed LiteLLM was installed from a URL, a directory or a checkout "
        "(direct_url.json)",
        "the environment does not hold the index's release, whatever the project files say",
        _REINSTALL_FIX,
    ),
    _rule(
        "INSTALL_VERSION_MISMATCH", "ERR",
        "the environment holds another LiteLLM version than the pins name",
        "what is tested and run locally is not what the pins ship",
        "sync the environment with the lock: `uv sync` / `poetry install` / "
        "`pip install -r requirements.txt`",
    ),
    _rule(
        "INSTALL_ENV_BROKEN", "WARN",
        "the project environment is missing or broken: LiteLLM's files were not verified",
        "nemoctl says what it could not check rather than calling it safe",
        "recreate it (`uv sync`, `poetry install`), or fix `[tool.nemoctl] environment`",
    ),
    _rule(
        "INSTALL_NOT_INSTALLED", "INFO",
        "the project environment holds no LiteLLM: nothing installed to verify",
        "contracts without --version then cannot test the project's own LiteLLM",
        "install the project (`uv sync`, `poetry install`)",
    ),
    _rule(
        "PATCH_FILE", "ERR",
        "a patch/diff file in the tree changes LiteLLM's files",
        "a patch is a fork kept as a diff: the next release moves under it, and the "
        "upgrade cannot see what it changes",
        _PATCH_FIX,
        example="patches/0001-fix-spend-logs.patch: --- a/litellm/proxy/_types.py",
    ),
    _rule(
        "PATCH_APPLIED", "ERR",
        "a Dockerfile, script or workflow applies a patch to (or edits in place) LiteLLM",
        "the image runs a LiteLLM nobody tested: the contracts ran on the release",
        _PATCH_FIX,
        example="RUN cd /usr/local/lib/python3.11/site-packages && patch -p1 < /p/0001.patch",
    ),
    _rule(
        "PATCH_UNIDENTIFIED", "WARN",
        "a Dockerfile, script or workflow applies a patch nemoctl cannot read",
        "the patch may target LiteLLM; nothing is relaxed without proof",
        "commit the patch file where the command reads it (so nemoctl can read its "
        "targets), or remove the command",
        example="RUN patch -p0 < /tmp/downloaded.patch",
    ),
)

for _spec in RULES:
    register(_spec)
