"""nemoctl: safe LiteLLM upgrades, and a typed, cost-aware client for the gateway."""

from nemoctl._version import __version__

__all__ = ["__version__"]
