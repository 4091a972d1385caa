"""Moved to :mod:`nemoctl.config.impact` (the configuration layer declares every table);
kept so imports written against the old path work."""

from nemoctl.config.impact import DEFAULT_MAX_FILE_SIZE, ImpactConfig, ImpactTable, impact_config

__all__ = ["DEFAULT_MAX_FILE_SIZE", "ImpactConfig", "ImpactTable", "impact_config"]
