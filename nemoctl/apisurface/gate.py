"""The ``api`` gate: LiteLLM's Python API as this project's code uses it.

``upgrade``, ``ci``, ``check`` and ``impact --to`` run it through
:data:`nemoctl.surfaces.GATES`.  With a target version it judges every use against both
releases; without one (``check``) it judges the pinned release alone — runtime patches.
"""

from __future__ import annotations

from dataclasses import replace

from nemoctl.findings import SurfaceReport, apply_acknowledgements
from nemoctl.findings.surface import SurfaceContext


class ApiGate:
    name = "api"

    def judge(self, ctx: SurfaceContext) -> SurfaceReport:
        from nemoctl.apisurface import rules  # noqa: F401 - registers the API_ rules
        from nemoctl.apisurface.cache import inventory_for
        from nemoctl.apisurface.judge import judge
        from nemoctl.apisurface.scan import scan_api

        package = ctx.config.upstream("litellm").package
        if ctx.current_version is None:
            return SurfaceReport(surface=self.name, notes=(
                f"no {package} pin found: the Python API cannot be judged",))
        usage = scan_api(ctx.config)
        old = inventory_for(package, ctx.current_version)
        new = inventory_for(package, ctx.target_version) \
            if ctx.target_version is not None else None
        report = judge(usage, old, new, severities=ctx.severities,
                       list_unused=ctx.list_unused)
        findings, statuses = apply_acknowledgements(report.findings, ctx.acknowledgements,
                                                    today=ctx.today, surfaces=(self.name,))
        return replace(report, findings=findings, acknowledgements=statuses)


API_GATE = ApiGate()
