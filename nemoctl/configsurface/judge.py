"""The config surface's findings: the consumer's keys and variables against the versions.

``judge(consumer, current, target)``; ``target`` None (``nemoctl check``) judges the
current version alone: misplaced and unknown keys, and start-up variables the deploy
does not set.  With a target it adds keys and variables the target stops reading and
defaults that change under the consumer's unset keys.  Changes the consumer's config
and deploy do not touch are counted (``unused_changes``), not listed.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping

from nemoctl.configsurface import rules
from nemoctl.configsurface.consumer import ConsumerSurface
from nemoctl.configsurface.model import SECTIONS, ConfigInventory
from nemoctl.findings.finding import Finding, Location, make_finding
from nemoctl.findings.report import SurfaceReport

#: Sections whose keys LiteLLM passes on to the call (``**kwargs`` down to the
#: providers): a key the target's params model no longer names may still be read there,
#: so "no longer read" cannot be told; it is said in a note, not claimed either way.
_PASSED_ON = ("model_list[].litellm_params", "guardrails[].litellm_params")
#: Sections whose unset keys' default changes are reported (the router's and the
#: params models' defaults apply per call and are the contract suite's to observe).
_DEFAULT_SECTIONS = ("general_settings", "litellm_settings", "router_settings")


def judge(consumer: ConsumerSurface, current: ConfigInventory,
          target: ConfigInventory | None = None, *,
          severities: Mapping[str, str] | None = None) -> SurfaceReport:
    versions = [current] if target is None else [current, target]
    findings: list[Finding] = []
    unused = 0
    cannot_tell: list[str] = []

    def add(rule_id: str, message: str, parts: tuple[str, ...], location: Location | None,
            *, subject: str, before: str = "", after: str = "") -> None:
        findings.append(make_finding(rule_id, message=message, key_parts=parts,
                                     location=location, severities=severities,
                                     subject=subject, before=before, after=after))

    for item in consumer.keys:
        section, key = item.section, item.key
        subject = f"{section}.{key}"
        if not any(key in inv.keys(section) for inv in versions):
            elsewhere = sorted({s for inv in versions for s in inv.sections_reading(key)})
            if elsewhere:
                add("CONFIG_KEY_MISPLACED",
                    f"{key} under {section} is read by no LiteLLM version compared "
                    f"({_versions(versions)}); it belongs in {' or '.join(elsewhere)}",
                    (section, key), item.location, subject=subject, after=elsewhere[0])
            elif any(inv.mentions(key) for inv in versions):
                # Mentioned in LiteLLM's code, just not read where the scan looks
                # (``settings.get("moderation_model")``): not a typo it can prove.
                cannot_tell.append(f"{subject} ({item.location}) is mentioned in "
                                   "LiteLLM's code but not read as modelled")
            else:
                known = sorted({k for inv in versions for k in inv.keys(section)})
                near = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
                hint = f"; did you mean {near[0]}?" if near else ""
                add("CONFIG_KEY_UNKNOWN",
                    f"{key} under {section} is read by no LiteLLM version compared "
                    f"({_versions(versions)}){hint}",
                    (section, key), item.location, subject=subject,
                    after=near[0] if near else "")
            continue
        if target is not None and key in current.keys(section) and \
                key not in target.keys(section):
            if section in _PASSED_ON:
                cannot_tell.append(f"{subject} ({item.location}) is passed on to the call, "
                                   f"where a provider may read it")
                continue
            if target.mentions(key):
                cannot_tell.append(f"{subject} ({item.location}) is still mentioned in "
                                   f"{target.version}'s code")
                continue
            rule = ("CONFIG_KEY_NO_LONGER_READ_SECURITY" if rules.is_security_relevant(key)
                    else "CONFIG_KEY_NO_LONGER_READ")
            moved = target.sections_reading(key)
            also = f"; {target.version} reads it under {', '.join(moved)}" if moved else ""
            add(rule, f"{subject} is read by {current.version} ({current.keys(section)[key].where})"
                f" and no longer by {target.version}{also}",
                (section, key, target.version), item.location, subject=subject,
                before=current.version, after=target.version)
    if target is not None:
        for section in SECTIONS:
            old, new = current.keys(section), target.keys(section)
            used = consumer.keys_in(section)
            removed = [k for k in old if k not in new and k not in used]
            unused += len(removed)
            if section not in _DEFAULT_SECTIONS:
                continue
            where = consumer.sections.get(section)
            for key in sorted(set(old) & set(new)):
                a, b = old[key].default, new[key].default
                if a == b or a is None or b is None:
                    continue
                kind = _default_change(a, b)
                if key in used or kind == "data" or (
                        section != "litellm_settings" and where is None):
                    unused += 1
                    continue
                subject = f"{section}.{key}"
                if kind == "value":
                    add("CONFIG_DEFAULT_CHANGED",
                        f"{subject} is unset here and its default changes: {a} → {b} "
                        f"({current.version} → {target.version})",
                        (section, key, a, b), where, subject=subject, before=a, after=b)
                else:
                    add("CONFIG_DEFAULT_MAY_HAVE_CHANGED",
                        f"{subject} is unset here and the expression computing its default "
                        f"changes (cannot tell whether the value does): {a} → {b}",
                        (section, key, a, b), where, subject=subject, before=a, after=b)
        refs = {r.name for r in consumer.env_refs}
        set_names = {e.name for e in consumer.deploy}
        for env in consumer.deploy:
            if env.name in current.env and env.name not in target.env and env.name not in refs:
                if target.mentions(env.name):
                    cannot_tell.append(f"{env.name} ({env.location}) is still mentioned in "
                                       f"{target.version}'s code")
                    continue
                add("ENV_NO_LONGER_READ",
                    f"{env.name} ({env.source}) is read by {current.version} "
                    f"({current.env[env.name].where}) and no longer by {target.version}",
                    (env.name, target.version), env.location, subject=env.name,
                    before=current.version, after=target.version)
        unused += len([n for n in current.env if n not in target.env and n not in set_names])
    judged = target or current
    if consumer.deploy_files:
        set_names = {e.name for e in consumer.deploy} | {r.name for r in consumer.env_refs}
        for name, read in sorted(judged.env.items()):
            if read.required_at_startup and name not in set_names:
                add("ENV_REQUIRED_UNSET",
                    f"{judged.version} reads {name} at start-up without a default "
                    f"({read.where}) and no deploy file sets it",
                    (name, judged.version), None, subject=name)
    notes = (
        f"read: {', '.join(consumer.files) or 'no proxy config'}; deploy env from "
        f"{len(consumer.deploy_files)} file(s), {len({e.name for e in consumer.deploy})} "
        "variable name(s) (values are never read)",
        *(f"{inv.version}: {_counts(inv)}" for inv in versions),
        *(f"cannot tell: {c}" for c in sorted(set(cannot_tell))),
    )
    findings.sort(key=lambda f: ((f.location.path, f.location.line, f.location.column)
                                 if f.location else ("~", 0, 0), f.rule_id, f.subject))
    return SurfaceReport(surface="config", findings=tuple(findings), unused_changes=unused,
                         notes=notes)


def _default_change(a: str, b: str) -> str:
    """``value``: two scalar literals that differ; ``data``: literal containers (the
    model registries and endpoint lists LiteLLM keeps as module data, not settings);
    ``expression``: either side is computed, so whether the value changes is unknown."""
    try:
        old, new = ast.literal_eval(a), ast.literal_eval(b)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return "expression" if not (a.endswith("…") and b.endswith("…")) else "data"
    scalars = (bool, int, float, str, type(None))
    if isinstance(old, scalars) and isinstance(new, scalars):
        return "value"
    return "data"


def _versions(versions: list[ConfigInventory]) -> str:
    return ", ".join(v.version for v in versions)


def _counts(inv: ConfigInventory) -> str:
    c = inv.counts()
    return (f"{c['general_settings']} general_settings, {c['litellm_settings']} "
            f"litellm_settings, {c['router_settings']} router_settings, "
            f"{c['model_list[].litellm_params']} litellm_params keys; {c['env']} env vars "
            f"({inv.dynamic_env_reads} reads with a computed name)")
