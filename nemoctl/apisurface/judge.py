"""Judge the consumer's uses against two releases' inventories: findings at the code's lines.

    report = judge(usage, old_inventory, new_inventory)   # a SurfaceReport ("api")
    report = judge(usage, current, None)                   # check: runtime patches only

Each use is resolved in both releases (aliases and re-exports followed: a move that
still resolves is no breakage) and compared by what the code does with it: a call's
keyword arguments, an override's parameters, a global's value.  What changed that no
use reaches is counted (``unused_changes``) and listed only on request.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from nemoctl.apisurface.inventory import Inventory, Obj, Param, Resolved
from nemoctl.apisurface.model import ApiUsage, ApiUse, Sig
from nemoctl.findings import Finding, Location, SurfaceReport, make_finding

_BINDING = ("async", "classmethod", "staticmethod", "property")


@dataclass
class _Judge:
    old: Inventory
    new: Inventory | None
    severities: Mapping[str, str]
    usage: ApiUsage
    #: fingerprint -> (finding, its places) so one change used at many lines is one finding
    found: dict[str, tuple[Finding, list[Location]]] = field(default_factory=dict)
    #: paths of changes some use reached (so they are not counted as unused)
    reached: set[str] = field(default_factory=set)

    def emit(self, rule: str, use: ApiUse, *, subject: str, message: str,
             key: tuple[str, ...], before: str = "", after: str = "",
             usage: str = "used", reason: str = "") -> None:
        place = Location(use.file, use.line, use.column, self.usage.snippet(use))
        finding = make_finding(rule, message=message, key_parts=(subject, *key),
                               severities=self.severities, location=place, subject=subject,
                               before=before, after=after, usage=usage,  # type: ignore[arg-type]
                               usage_reason=reason)
        held = self.found.get(finding.fingerprint)
        if held is None:
            self.found[finding.fingerprint] = (finding, [place])
        elif place not in held[1]:
            held[1].append(place)

    def findings(self) -> tuple[Finding, ...]:
        out = []
        for finding, places in self.found.values():
            places.sort()
            out.append(_with_places(finding, tuple(places)))
        return tuple(sorted(out, key=lambda f: (f.location or Location(""), f.rule_id,
                                                f.subject)))


def _with_places(finding: Finding, places: tuple[Location, ...]) -> Finding:
    from dataclasses import replace

    if not places:
        return finding
    return replace(finding, location=places[0], used_at=places)


def judge(usage: ApiUsage, old: Inventory, new: Inventory | None, *,
          severities: Mapping[str, str] | None = None,
          list_unused: bool = False) -> SurfaceReport:
    j = _Judge(old, new, severities or {}, usage)
    for bad in usage.unparseable:
        place = Location(bad.path, 0, 0)
        finding = make_finding("API_CONSUMER_UNPARSEABLE", message=f"{bad.path}: {bad.reason}"
                               " — its LiteLLM uses cannot be checked",
                               key_parts=(bad.path,), severities=j.severities, location=place,
                               subject=bad.path, usage="possibly used",
                               usage_reason=bad.reason)
        j.found[finding.fingerprint] = (finding, [place])
    for use in usage.uses:
        _patch(j, use)
        if new is not None:
            _use(j, use)
    notes = [f"LiteLLM {old.version}" + (f" → {new.version}" if new else "")
             + f": {len(usage.uses)} use(s) in {usage.files_scanned} file(s)"]
    unused = 0
    if new is not None:
        from nemoctl.apisurface.cache import cached_changes

        changes = cached_changes(old, new)
        left = [c for c in changes if c.path not in j.reached]
        unused = len(left)
        notes.append(f"{len(changes)} API change(s) between the versions; "
                     f"{len(changes) - unused} reached by the code")
        if list_unused:
            for c in left:
                f = make_finding("API_UNUSED_CHANGE", message=f"{c.path}: {c.what}",
                                 key_parts=(c.path, c.what), severities=j.severities,
                                 subject=c.path, before=c.before, after=c.after,
                                 usage="unused")
                j.found[f.fingerprint] = (f, [])
        for module, reason in sorted(new.unloaded.items()):
            notes.append(f"{new.version}: {module} could not be read ({reason})")
    found = j.findings()
    return SurfaceReport(surface="api", findings=found, unused_changes=unused,
                         notes=tuple(notes))


# -- runtime patches (judged against the release that runs now) -----------------------

def _patch(j: _Judge, use: ApiUse) -> None:
    """A write, ``del``, ``setattr`` or mock patch that replaces LiteLLM code.

    Configuration is a literal, a container or any non-function value written to a
    module global the release defines as a plain attribute (``litellm.drop_params =
    True``, ``litellm.callbacks = [handler]``); replacing a function, class or module —
    or writing a function anywhere, or deleting or mock-patching a name that is not a
    plain attribute — is a patch."""
    if use.kind not in ("write", "delete", "patch") or use.in_tests:
        return
    r = j.old.resolve(use.path)
    obj = r.obj if r.state == "found" else None
    if obj is not None and obj.kind == "attribute" and use.value != "function":
        return
    if obj is None and use.kind == "write" and use.value != "function":
        return  # a value (not code) written to a name the release does not define as code
    what = {"write": "replaced", "delete": "deleted", "patch": "patched"}[use.kind]
    kind = f" ({obj.kind})" if obj is not None else ""
    j.emit("API_RUNTIME_PATCH", use, subject=use.path,
           message=f"{use.path}{kind} is {what} at run time: a patch of LiteLLM",
           key=(use.file, use.kind))


# -- uses against the new release -------------------------------------------------------

def _use(j: _Judge, use: ApiUse) -> None:
    assert j.new is not None
    if use.kind in ("star", "dynamic"):
        _possibly(j, use)
        return
    if use.kind == "patch":
        return
    before = j.old.resolve(use.path)
    j.reached.add(use.path)
    if before.obj is not None:
        j.reached.add(before.obj.path)
    if use.kind == "override":
        _override(j, use, before)
        return
    if before.state != "found":
        # Not LiteLLM API in the pinned release (an instance's member, an external name,
        # a typo that already fails): nothing about it changed.
        if before.state == "dynamic":
            _prefix(j, use, before)
        return
    after = j.new.resolve(use.path)
    if after.state == "unloaded":
        j.reached.add(use.path)
        j.emit("API_MODULE_UNREADABLE", use, subject=use.path,
               message=f"{use.path} is in a module the new release's wheel does not let "
                       f"nemoctl read ({after.why})", key=())
        return
    if after.state == "lazy":
        j.reached.add(use.path)
        j.emit("API_CANNOT_TELL", use, subject=use.path,
               message=f"{use.path} is no longer defined statically in the new release; "
                       f"{after.why}, so whether it still resolves cannot be told",
               key=(), usage="possibly used", reason=after.why)
        return
    if after.state in ("missing",) or (after.state == "dynamic" and before.state == "found"
                                       and before.obj is not None
                                       and before.obj.kind in ("class", "module", "namespace")):
        _removed(j, use, before.obj)
        return
    if after.state != "found" or before.obj is None or after.obj is None:
        return
    if use.kind == "call":
        _call(j, use, before.obj, after.obj)
    elif use.kind == "subclass":
        _subclass(j, use, before.obj, after.obj)
    elif use.kind == "read" and before.obj.kind == "attribute" \
            and _is_global(j.old, before.obj) and after.obj.kind == "attribute" \
            and before.obj.value != after.obj.value:
        j.emit("API_GLOBAL_DEFAULT_CHANGED", use, subject=use.path,
               message=f"{use.path} now defaults to {after.obj.value} "
                       f"(was {before.obj.value})",
               key=(), before=before.obj.value or "", after=after.obj.value or "")


def _prefix(j: _Judge, use: ApiUse, before: Resolved) -> None:
    """``litellm.success_callback.append(…)``: the global it starts from must still exist."""
    assert j.new is not None and before.obj is not None
    head = before.obj.path if use.path.startswith(before.obj.path) else before.why
    if not use.path.startswith(head):
        return
    after = j.new.resolve(head)
    if after.state == "missing":
        _removed(j, use, before.obj, path=head)


def _is_global(inv: Inventory, obj: Obj) -> bool:
    parent = obj.path.rpartition(".")[0]
    rec = inv.get(parent)
    return rec is not None and rec.kind in ("module", "namespace")


def _removed(j: _Judge, use: ApiUse, old_obj: Obj | None, *, path: str | None = None,
             usage: str = "used", reason: str = "") -> None:
    assert j.new is not None
    path = path or use.path
    j.reached.add(path)
    if old_obj is not None:
        j.reached.add(old_obj.path)
    is_global = old_obj is not None and old_obj.kind == "attribute" and _is_global(j.old,
                                                                                   old_obj)
    where = _elsewhere(j.new, path.rpartition(".")[2], old_obj)
    hint = f"; the new release defines {', '.join(where)}" if where else ""
    if use.kind in ("write", "delete") and is_global:
        j.emit("API_GLOBAL_WRITE_REMOVED", use, subject=path,
               message=f"{path} is gone in the new release: setting it does nothing{hint}",
               key=(), usage=usage, reason=reason)
    elif is_global and use.kind != "import":
        j.emit("API_GLOBAL_READ_REMOVED", use, subject=path,
               message=f"{path} is gone in the new release: reading it raises "
                       f"AttributeError{hint}", key=(), usage=usage, reason=reason)
    else:
        kind = old_obj.kind if old_obj is not None else "name"
        verb = "import" if use.kind == "import" else "use"
        j.emit("API_SYMBOL_REMOVED", use, subject=path,
               message=f"{path} ({kind}) no longer resolves in the new release: the {verb} "
                       f"fails{hint}", key=(), usage=usage, reason=reason)


def _elsewhere(inv: Inventory, name: str, old_obj: Obj | None) -> list[str]:
    """Where an object of that name and kind lives in the new release (a move), for the
    message: definitions only (not re-exports), public paths first, at most three."""
    if old_obj is None or not name or old_obj.kind not in ("class", "function", "attribute"):
        return []
    code = {"class": "c", "function": "f", "attribute": "a"}[old_obj.kind]
    found = [p for p, rec in inv.records.named(name) if rec[0] == code]
    found.sort(key=lambda p: (any(s.startswith("_") for s in p.split(".")), len(p), p))
    return found[:3]


def _possibly(j: _Judge, use: ApiUse) -> None:
    """``from litellm import *`` / ``getattr(litellm, name)``: any member removed from
    that module may be what the code reaches — reported as possibly used."""
    assert j.new is not None
    before = j.old.resolve(use.path)
    if before.state != "found" or before.obj is None:
        return
    owner = before.obj.path
    why = "star import" if use.kind == "star" else "dynamic getattr"
    for path, rec in j.old.records.children(owner + "."):
        name = path.rpartition(".")[2]
        if use.kind == "star" and name.startswith("_"):
            continue
        if rec[0] in ("m", "n") and use.kind == "star":
            continue  # a star import does not bind submodules not imported by the module
        if j.new.resolve(f"{use.path}.{name}").state == "missing":
            old_obj = j.old.get(path)
            fake = ApiUse(use.kind, f"{use.path}.{name}", use.file, use.line, use.column,
                          use.snippet)
            _removed(j, fake, old_obj, usage="possibly used",
                     reason=f"{why} of {use.path} at {use.where}")


# -- calls ----------------------------------------------------------------------------

def _callable(inv: Inventory, obj: Obj) -> tuple[Obj | None, bool]:
    """The function a call of ``obj`` runs, and whether its first parameter is bound."""
    if obj.kind == "function":
        return obj, False
    if obj.kind == "class":
        init = inv.resolve(obj.path + ".__init__")
        if init.state == "found" and init.obj is not None and init.obj.kind == "function":
            return init.obj, True
    return None, False


def _params(fn: Obj, bound: bool) -> list[Param]:
    params = list(fn.params)
    drop = bound or ("classmethod" in fn.labels)
    if params and drop and params[0].kind in ("p", "pk"):
        params = params[1:]
    return params


def _call(j: _Judge, use: ApiUse, old_obj: Obj, new_obj: Obj) -> None:
    assert j.new is not None
    old_fn, old_bound = _callable(j.old, old_obj)
    new_fn, new_bound = _callable(j.new, new_obj)
    if old_fn is None or new_fn is None:
        return
    method = use.via_instance and "staticmethod" not in old_fn.labels
    old_ps = _params(old_fn, old_bound or method)
    new_ps = _params(new_fn, new_bound or (use.via_instance
                                           and "staticmethod" not in new_fn.labels))
    subject = use.path
    old_names = {p.name: p for p in old_ps if p.kind in ("pk", "k")}
    new_names = {p.name: p for p in new_ps if p.kind in ("pk", "k")}
    new_var_kw = any(p.kind == "**" for p in new_ps)
    old_var_kw = any(p.kind == "**" for p in old_ps)
    for kw in use.keywords:
        if kw in new_names or new_var_kw:
            continue
        if kw in old_names or old_var_kw:
            j.reached.add(subject)
            j.emit("API_KEYWORD_REMOVED", use, subject=subject,
                   message=f"{subject}() no longer accepts {kw}= (and takes no **kwargs): "
                           f"the call raises TypeError", key=(kw,), before=kw)
    new_positional = [p for p in new_ps if p.kind in ("p", "pk")]
    old_required = {p.name for p in old_ps if p.required}
    for i, p in enumerate(new_positional + [p for p in new_ps if p.kind == "k"]):
        if not p.required or p.name in old_required:
            continue
        passed = p.name in use.keywords or (p.kind in ("p", "pk") and i < use.positional)
        if passed:
            continue
        j.reached.add(subject)
        usage, reason = ("possibly used", "the call spreads *args/**kwargs") if use.spread \
            else ("used", "")
        j.emit("API_REQUIRED_PARAM_ADDED", use, subject=subject,
               message=f"{subject}() now requires {p.name} ({_kind_text(p.kind)}), "
                       f"which the call does not pass", key=(p.name,), after=p.name,
               usage=usage, reason=reason)
    for kw, literal in use.literals:
        old_p, new_p = old_names.get(kw), new_names.get(kw)
        if old_p is None or new_p is None:
            continue
        new_ok = _admits(j.new.admitted(new_p), literal)
        old_ok = _admits(j.old.admitted(old_p), literal)
        if old_ok and not new_ok:
            j.reached.add(subject)
            j.emit("API_LITERAL_NOT_ADMITTED", use, subject=subject,
                   message=f"{subject}({kw}={literal}): the new annotation admits only "
                           f"{', '.join(j.new.admitted(new_p) or ())}",
                   key=(kw, literal), before=literal)
    if use.spread:
        return  # which parameters the call leaves at their default is unknown
    old_pos = [p for p in old_ps if p.kind in ("p", "pk")]
    for p in new_ps:
        old_p = old_names.get(p.name) or next((q for q in old_pos if q.name == p.name), None)
        if old_p is None or old_p.default is None or p.default is None:
            continue
        if _same_value(old_p.default, p.default):
            continue
        index = next((i for i, q in enumerate(new_positional) if q.name == p.name), None)
        if p.name in use.keywords or (index is not None and index < use.positional):
            continue
        j.reached.add(subject)
        j.emit("API_DEFAULT_CHANGED", use, subject=subject,
               message=f"{subject}(): {p.name} now defaults to {p.default} "
                       f"(was {old_p.default}); the call leaves it at its default",
               key=(p.name,), before=old_p.default, after=p.default)


def _kind_text(code: str) -> str:
    return {"p": "positional", "pk": "positional or keyword", "k": "keyword-only"}.get(code,
                                                                                      code)


def _value(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _same_value(a: str, b: str) -> bool:
    return a == b or (_value(a) == _value(b) and type(_value(a)) is type(_value(b)))


def _admits(admitted: Sequence[str] | None, literal: str) -> bool:
    if admitted is None:
        return True
    value = _value(literal)
    return any(_value(a) == value for a in admitted)


# -- subclasses and overrides -------------------------------------------------------------

def _subclass(j: _Judge, use: ApiUse, old_obj: Obj, new_obj: Obj) -> None:
    assert j.new is not None
    if old_obj.kind != "class":
        return
    if new_obj.kind != "class":
        j.reached.add(use.path)
        j.emit("API_BASE_CHANGED", use, subject=use.path,
               message=f"{use.path} is no longer a class (now: {new_obj.kind}): "
                       f"class {use.owner} cannot subclass it", key=("kind",))
        return
    old_bases = _base_names(j.old, old_obj)
    new_bases = _base_names(j.new, new_obj)
    for lost in sorted(old_bases - new_bases):
        j.reached.add(use.path)
        j.emit("API_BASE_CHANGED", use, subject=use.path,
               message=f"{use.path} no longer derives from {lost}: class {use.owner} "
                       f"loses what it inherited from it", key=(lost,), before=lost)


def _base_names(inv: Inventory, cls: Obj) -> set[str]:
    """Names of every base in the hierarchy (by name: a base that moved module is the
    same base), in-package and external."""
    out: set[str] = set()
    for c in inv.mro(cls)[1:]:
        out.add(c.path.rpartition(".")[2])
    for c in inv.mro(cls):
        for b in c.bases:
            out.add(b.rpartition(".")[2])
    return out


def _override(j: _Judge, use: ApiUse, before: Resolved) -> None:
    assert j.new is not None
    if before.state != "found" or before.obj is None or before.obj.kind != "function":
        return  # the consumer's own method, not an override of LiteLLM's
    base = before.obj
    after = j.new.resolve(use.path)
    if after.state == "unloaded":
        return
    if after.state == "missing" or after.obj is None or after.obj.kind != "function":
        if after.state in ("external",):
            return
        j.reached.add(use.path)
        j.reached.add(base.path)
        j.emit("API_HOOK_REMOVED", use, subject=use.path,
               message=f"{use.owner}.{use.path.rpartition('.')[2]} overrides "
                       f"{use.path}, which the new release no longer has: it will never "
                       f"be called", key=(use.owner,))
        return
    new = after.obj
    old_kind = sorted(set(base.labels) & set(_BINDING))
    new_kind = sorted(set(new.labels) & set(_BINDING))
    mine = sorted(set(use.labels) & set(_BINDING))
    if old_kind != new_kind and mine != new_kind:
        j.reached.add(use.path)
        j.emit("API_OVERRIDE_KIND_CHANGED", use, subject=use.path,
               message=f"{use.path} is now {_kind_words(new_kind)} (was "
                       f"{_kind_words(old_kind)}); {use.owner}'s override is "
                       f"{_kind_words(mine)}", key=(use.owner,),
               before=_kind_words(old_kind), after=_kind_words(new_kind))
        return
    if _binds(use.signature, base) and not _binds(use.signature, new):
        j.reached.add(use.path)
        j.emit("API_HOOK_SIGNATURE_CHANGED", use, subject=use.path,
               message=f"{use.path} is now called as ({_sig_text(new)}) (was "
                       f"({_sig_text(base)})); {use.owner}'s override "
                       f"({', '.join(p[0] for p in use.signature)}) no longer binds",
               key=(use.owner,), before=_sig_text(base), after=_sig_text(new))


def _kind_words(labels: Iterable[str]) -> str:
    words = list(labels)
    return " ".join(words) if words else "a plain method"


def _sig_text(fn: Obj) -> str:
    out = []
    star = False
    for p in fn.params:
        if p.kind == "k" and not star:
            out.append("*")
        star = star or p.kind in ("*", "k")
        name = {"*": "*", "**": "**"}.get(p.kind, "") + p.name
        out.append(name if p.default is None or p.kind in ("*", "**")
                   else f"{name}={p.default}")
    return ", ".join(out)


def _binds(override: Sig, base: Obj) -> bool:
    """Would a call made the way the base's signature allows bind to the override?

    LiteLLM may pass each positional parameter by position or by name and each
    keyword-only one by name; the override must take them all, and must need nothing
    else.
    """
    static = "staticmethod" in base.labels
    base_ps = list(base.params)
    ov = list(override)
    if not static:
        base_ps = base_ps[1:] if base_ps and base_ps[0].kind in ("p", "pk") else base_ps
        ov = ov[1:] if ov and ov[0][1] in ("p", "pk") else ov
    ov_pos = [p for p in ov if p[1] in ("p", "pk")]
    ov_names = {p[0] for p in ov if p[1] in ("pk", "k")}
    ov_star = any(p[1] == "*" for p in ov)
    ov_kw = any(p[1] == "**" for p in ov)
    covered: set[str] = set()
    pos_index = 0
    for p in base_ps:
        if p.kind in ("p", "pk"):
            if pos_index < len(ov_pos):
                slot = ov_pos[pos_index]
                if p.kind == "pk" and slot[0] != p.name and not ov_kw:
                    return False
                covered.add(slot[0])
            elif not ov_star or (p.kind == "pk" and p.name not in ov_names and not ov_kw):
                return False
            pos_index += 1
        elif p.kind == "k":
            if p.name not in ov_names and not ov_kw:
                return False
            covered.add(p.name)
        elif (p.kind == "*" and not ov_star) or (p.kind == "**" and not ov_kw):
            return False
    # Whatever the override requires must be something the base's callers pass.
    return all(not (not has_default and kind in ("p", "pk", "k") and name not in covered)
               for name, kind, has_default in ov)

