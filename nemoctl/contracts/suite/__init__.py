"""The upstream contract suite: what the gateway relies on in LiteLLM, one named test each.

Run it with ``nemoctl contracts run`` (or ``python -m pytest --pyargs
nemoctl.contracts.suite``).  It is written against behaviour, not against a version,
so the same modules run against whatever LiteLLM is installed.  Nothing here may
import LiteLLM at module import time: ``conftest`` must set the offline switches first.
"""
