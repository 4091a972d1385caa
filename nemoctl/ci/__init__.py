"""`nemoctl ci`: verify a dependency-bump pull request and report on it."""
