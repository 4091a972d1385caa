"""A small LiteLLM-shaped package, as source text: the scanner parses it like a real wheel.

Two versions differ the way real releases do (a general setting dropped, a default
changed, a variable no longer read, a read moved behind a helper and a constant)."""

from __future__ import annotations

from nemoctl.configsurface.inventory import scan_package
from nemoctl.configsurface.model import ConfigInventory
from nemoctl.configsurface.modules import Package, module_name

COMMON = {
    "litellm/secret_managers/main.py": (
        "import os\n"
        "def get_secret(secret_name, default_value=None):\n"
        "    if secret_name.startswith('os.environ/'):\n"
        "        secret_name = secret_name.replace('os.environ/', '')\n"
        "    return os.environ.get(secret_name, default_value)\n"
        "def get_secret_str(secret_name, default_value=None):\n"
        "    return get_secret(secret_name, default_value)\n"),
    "litellm/env_utils.py": (
        "import os\n"
        "def get_env_int(env_var, default):\n"
        "    raw = os.getenv(env_var)\n"
        "    return default if raw is None else int(raw)\n"),
    "litellm/proxy/_types.py": (
        "from pydantic import BaseModel, Field\n"
        "class ConfigGeneralSettings(BaseModel):\n"
        "    master_key: str | None = Field(None, description='the key')\n"
        "    database_url: str | None = None\n"),
    "litellm/types/router.py": (
        "from pydantic import BaseModel\n"
        "class GenericLiteLLMParams(BaseModel):\n"
        "    api_key: str | None = None\n"
        "    rpm: int | None = None\n"
        "class LiteLLM_Params(GenericLiteLLMParams):\n"
        "    model: str\n"),
    "litellm/router.py": (
        "class Router:\n"
        "    def __init__(self, model_list=None, routing_strategy='simple-shuffle',\n"
        "                 num_retries=None):\n"
        "        pass\n"),
    "litellm/main.py": (
        "def completion(model, messages=None, temperature=None, **kwargs):\n"
        "    pass\n"
        "def pick(deployment):\n"
        "    litellm_params = deployment['litellm_params']\n"
        "    return litellm_params.get('weight', 1)\n"),
    "litellm/sentry.py": (
        "def options(env):\n"
        "    return {'dsn': env.get('SENTRY_DSN'), 'rate': inner(env)}\n"
        "def inner(mapping):\n"
        "    return mapping.get('SENTRY_API_SAMPLE_RATE')\n"),
}

V1 = {
    **COMMON,
    "litellm/__init__.py": (
        "import os\n"
        "drop_params = False\n"
        "http2: bool = False\n"
        "num_retries = 3\n"
        "DEFAULT_MAX_RETRIES = int(os.getenv('DEFAULT_MAX_RETRIES', 2))\n"
        "fips = os.getenv('LITELLM_FIPS_MODE')\n"),
    "litellm/proxy/proxy_server.py": (
        "import os\n"
        "from litellm.secret_managers.main import get_secret_str\n"
        "general_settings: dict = {}\n"
        "master = get_secret_str('LITELLM_MASTER_KEY')\n"
        "def load_config(config):\n"
        "    if general_settings.get('disable_error_logs'):\n"
        "        pass\n"
        "    routes = general_settings.get('allowed_routes', [])\n"
        "    prompts = general_settings.get('store_prompts')\n"
        "    from litellm.sentry import options\n"
        "    options(os.environ)\n"),
}

V2 = {
    **COMMON,
    "litellm/__init__.py": (
        "import os\n"
        "from litellm.env_utils import get_env_int\n"
        "drop_params = False\n"
        "http2: bool | None = None\n"
        "num_retries = 3\n"
        "DEFAULT_MAX_RETRIES = get_env_int('DEFAULT_MAX_RETRIES', 2)\n"),
    "litellm/constants.py": (
        "from typing import Final\n"
        "PORT_ENV: Final = 'LITELLM_PORT'\n"
        "TOKEN_ENVS = ('SERVICE_TOKEN_A', 'SERVICE_TOKEN_B')\n"),
    "litellm/proxy/proxy_server.py": (
        "import os\n"
        "from litellm import constants\n"
        "from litellm.constants import TOKEN_ENVS\n"
        "general_settings: dict = {}\n"
        "salt = os.environ['LITELLM_SALT_KEY']\n"
        "port = os.getenv(constants.PORT_ENV, '4000')\n"
        "tokens = {name: os.getenv(name) for name in TOKEN_ENVS}\n"
        "def load_config(config):\n"
        "    from litellm.secret_managers.main import get_secret_str\n"
        "    master = get_secret_str('LITELLM_MASTER_KEY')\n"
        "    from litellm.sentry import options\n"
        "    options({**os.environ, 'SENTRY_DSN': 'x'})\n"
        "    dynamic = os.getenv(config['name'])\n"
        "def prompts(settings):\n"
        "    return settings.get('store_prompts')\n"),
}


def synthetic(version: str) -> ConfigInventory:
    files = V1 if version == "1.0.0" else V2
    sources = {module_name(rel): (rel, text) for rel, text in sorted(files.items())}
    return scan_package(Package("litellm", sources), f"{version.replace('.', '') :0<64}",
                        "litellm", version)
