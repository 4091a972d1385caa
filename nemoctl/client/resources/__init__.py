"""Thin endpoint wrappers; all policy lives in ``_base_client``."""
