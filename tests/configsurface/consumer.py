"""A consumer project in a temporary directory: pins, a proxy config, deploy env files."""

from __future__ import annotations

import textwrap
from pathlib import Path

#: The proxy config, line by line: the tests name these lines.
CONFIG = textwrap.dedent("""\
    model_list:
      - model_name: gpt-4o
        litellm_params:
          model: openai/gpt-4o
          api_key: os.environ/OPENAI_API_KEY
          rpm: 600
    general_settings:
      master_key: os.environ/LITELLM_MASTER_KEY
      disable_error_logs: true
      forward_llm_provider_auth_headers: true
      use_legacy_interactions_schema: true
    litellm_settings:
      master_key: os.environ/LITELLM_MASTER_KEY
      drop_params: true
      num_retires: 2
      openai_image_generation_models: [dall-e-3]
    router_settings:
      routing_strategy: simple-shuffle
    """)
LINE = {
    "general_settings.master_key": 8,
    "general_settings.disable_error_logs": 9,
    "general_settings.forward_llm_provider_auth_headers": 10,
    "general_settings.use_legacy_interactions_schema": 11,
    "litellm_settings": 12,
    "litellm_settings.master_key": 13,
    "litellm_settings.drop_params": 14,
    "litellm_settings.num_retires": 15,
    "litellm_settings.openai_image_generation_models": 16,
}


def make_consumer(root: Path, version: str, *, env: dict[str, str] | None = None,
                  config: str = CONFIG) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "gateway"\nversion = "0"\n'
        f'dependencies = ["litellm[proxy]=={version}"]\n'
        '[tool.nemoctl.contracts]\nproxy-config = "litellm/config.yaml"\n')
    (root / "litellm").mkdir(exist_ok=True)
    (root / "litellm" / "config.yaml").write_text(config)
    values = env or {}
    (root / ".env").write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return root
