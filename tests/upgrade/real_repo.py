"""A consumer repository pinned to a real LiteLLM release (for the e2e test and the benchmark).

Uses the machine's real pip configuration and registry: only for tests marked
``slow`` or ``benchmark``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

FROM_VERSION = "1.102.4"
FROM_EXTRAS = "0.4.97"
TO_VERSION = "1.106.0"
TO_EXTRAS = "0.4.108"

# 1.102.4 → 1.106.0 drops the (jwt_claim_name, jwt_claim_value) unique on
# LiteLLM_JWTKeyMapping (an ERR); a reviewer accepted it, as a real project would.
ACKNOWLEDGED = """\
[[ack]]
fingerprint = "071261fbf9658d50"
rule = "UNIQUE_REMOVED"
reason = "JWT key mappings are unique per issuer now; we never relied on the old unique"
"""

PYPROJECT = f"""\
[project]
name = "gateway"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "litellm[proxy]=={FROM_VERSION}",  # moved only by `nemoctl upgrade`
    "litellm-proxy-extras=={FROM_EXTRAS}",
]

[tool.uv]
package = false
environments = ["sys_platform == 'linux'"]

[tool.nemoctl]
schemas-dir = "schemas"
generated-dir = "generated"
"""


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout


def build_real_consumer(root: Path) -> Path:
    """A committed uv project at LiteLLM FROM_VERSION with its snapshot and generated types."""
    from uv import find_uv_bin

    from nemoctl.codegen import render_outputs
    from nemoctl.config import default_upstreams
    from nemoctl.upstream import fetch_schema

    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "schemas").mkdir()
    (root / "schemas" / "sacred_fields.toml").write_bytes(
        (REPO_ROOT / "schemas" / "sacred_fields.toml").read_bytes()
    )
    (root / "schemas" / "acknowledged.toml").write_text(ACKNOWLEDGED)
    pinned = fetch_schema(default_upstreams()["litellm"], FROM_VERSION)
    outputs = render_outputs(
        pinned.text, upstream_version=FROM_VERSION, wheel_sha256=pinned.wheel.sha256
    )
    for rel, data in outputs.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    subprocess.run([str(find_uv_bin()), "lock", "--quiet"], cwd=root, check=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"gateway at litellm {FROM_VERSION}")
    return root
