"""LiteLLM's Python API as this project's code uses it (the ``api`` surface).

    inventory.py   a release's API read statically from its wheel with griffe
    cache.py       that inventory cached per wheel digest (SQLite, verified before use)
    diffing.py     every public API change between two inventories (counted as unused)
    consumer.py    one Python file's uses, read with ``ast``
    scan.py        the project's uses (the impact scan's files), cached per content
    judge.py       uses x two releases -> findings at the consumer's lines
    rules.py       the ``API_…`` rules in the one registry
    gate.py        the gate ``upgrade``/``ci``/``check``/``impact --to`` run

See docs/api-surface.md.  Nothing here imports LiteLLM.
"""
