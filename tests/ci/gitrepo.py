"""Real git repositories in tmp that replay pull-request shapes (gitpython)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import git

AUTHOR = git.Actor("Test Author", "author@example.com")
DEPENDABOT = git.Actor("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


def pyproject(litellm: str, extras: str, *, httpx: str = "0.27.0", extra_toml: str = "") -> str:
    return f"""[project]
name = "consumer"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "httpx=={httpx}",
]

[dependency-groups]
upstream = [
    "litellm[proxy]=={litellm}",
    "litellm-proxy-extras=={extras}",
]

[tool.nemoctl]
schemas-dir = "schemas"
generated-dir = "generated"

[tool.nemoctl.upstreams.litellm]
package = "litellm"
extras = ["proxy"]
coupled = ["litellm-proxy-extras"]
{extra_toml}"""


def dependabot_message(updates: list[tuple[str, str, str, str]], *, group: str | None) -> str:
    """A dependabot commit message: (name, from, to, update-type) per package."""
    if group:
        names = " and ".join(f"[{n}](https://github.com/BerriAI/litellm)" for n, *_ in updates)
        head = (f"Bump the {group} group with {len(updates)} updates\n\n"
                f"Bumps the {group} group with {len(updates)} updates: {names}.\n\n")
    else:
        name, old, new, _ = updates[0]
        head = (f"Bump {name} from {old} to {new}\n\n"
                f"Bumps [{name}](https://github.com/BerriAI/litellm) from {old} to {new}.\n")
    body = ""
    for name, old, new, _ in updates:
        body += (f"\nUpdates `{name}` from {old} to {new}\n"
                 f"- [Release notes](https://github.com/BerriAI/litellm/releases)\n"
                 f"- [Commits](https://github.com/BerriAI/litellm/compare/v{old}...v{new})\n")
    block = "\n---\nupdated-dependencies:\n"
    for name, _old, new, kind in updates:
        block += (f"- dependency-name: {name}\n  dependency-version: {new}\n"
                  f"  dependency-type: direct:production\n  update-type: {kind}\n")
        if group:
            block += f"  dependency-group: {group}\n"
    block += "...\n\nSigned-off-by: dependabot[bot] <support@github.com>\n"
    return head + body + block


class ProjectRepo:
    """A git repository holding one consumer project at its root."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.repo = git.Repo.init(root, initial_branch="main")
        with self.repo.config_writer() as cfg:
            cfg.set_value("user", "name", "Test Author")
            cfg.set_value("user", "email", "author@example.com")
            cfg.set_value("commit", "gpgsign", "false")

    def write(self, files: Mapping[str, str | bytes]) -> None:
        for rel, data in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")

    def commit(
        self, files: Mapping[str, str | bytes], message: str, *, author: git.Actor = AUTHOR
    ) -> str:
        self.write(files)
        self.repo.git.add("--all")
        commit = self.repo.index.commit(message, author=author, committer=author)
        return commit.hexsha

    def branch(self, name: str, start: str = "main") -> None:
        self.repo.git.checkout("-b", name, start)

    def checkout(self, ref: str) -> None:
        self.repo.git.checkout(ref)

    def file_at(self, ref: str, rel: str) -> str:
        return str(self.repo.git.show(f"{ref}:{rel}"))


RENOVATE = git.Actor("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com")


def renovate_message(group: str, updates: list[tuple[str, str, str]]) -> str:
    """Renovate's default grouped commit message: a subject and no structured block."""
    return f"Update {group}\n\n" + "".join(
        f"| {name} | {old} -> {new} |\n" for name, old, new in updates
    )
