"""The consumer scan: what each line of Python uses of LiteLLM's API (ast, no wheels)."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemoctl.apisurface.consumer import ScanError, is_test_path, scan_source
from nemoctl.apisurface.model import ApiUse


def scan(code: str, path: str = "app/x.py") -> list[ApiUse]:
    return scan_source(textwrap.dedent(code).encode(), path)


def kinds(code: str, path: str = "app/x.py") -> list[tuple[str, str, int]]:
    return [(u.kind, u.path, u.line) for u in scan(code, path)]


def test_imports_and_aliases_resolve_to_litellm_paths() -> None:
    uses = kinds("""\
        import litellm
        import litellm.proxy.proxy_server as ps
        from litellm import Router as R
        from litellm.integrations.custom_logger import CustomLogger
        import os
        ps.app
        R(model_list=[])
        litellm.utils.get_llm_provider("gpt-4o")
    """)
    assert uses == [
        ("import", "litellm", 1),
        ("import", "litellm.proxy.proxy_server", 2),
        ("import", "litellm.Router", 3),
        ("import", "litellm.integrations.custom_logger.CustomLogger", 4),
        ("read", "litellm.proxy.proxy_server.app", 6),
        ("call", "litellm.Router", 7),
        ("call", "litellm.utils.get_llm_provider", 8),
    ]


def test_calls_carry_keywords_literals_positionals_and_spread() -> None:
    (call,) = [u for u in scan("""\
        from litellm import acompletion
        async def f(extra):
            return await acompletion("gpt-4o", messages=[], stream=True, mode="chat", **extra)
    """) if u.kind == "call"]
    assert call.keywords == ("messages", "mode", "stream")
    assert call.literals == (("mode", "'chat'"), ("stream", "True"))
    assert call.positional == 1 and call.spread is True


def test_instance_of_a_litellm_class_is_followed() -> None:
    uses = kinds("""\
        from litellm import Router
        router = Router(model_list=[])
        async def f():
            return await router.acompletion(model="m", messages=[])
    """)
    assert ("call", "litellm.Router.acompletion", 4) in uses
    (inst,) = [u for u in scan("from litellm import Router\nr = Router()\nr.x()\n")
               if u.path == "litellm.Router.x"]
    assert inst.via_instance


def test_subclass_and_overrides_with_signatures_and_kinds() -> None:
    uses = scan("""\
        from litellm.integrations.custom_logger import CustomLogger as CL
        class Mine(CL):
            async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):
                pass
            @classmethod
            def build(cls, *, name=None, **kw):
                pass
    """)
    sub = [u for u in uses if u.kind == "subclass"]
    assert [(u.path, u.owner, u.line) for u in sub] == [
        ("litellm.integrations.custom_logger.CustomLogger", "Mine", 2)]
    over = {u.path.rsplit(".", 1)[1]: u for u in uses if u.kind == "override"}
    assert over["async_log_success_event"].labels == ("async",)
    assert [p[0] for p in over["async_log_success_event"].signature] == [
        "self", "kwargs", "response_obj", "start_time", "end_time"]
    assert over["build"].labels == ("classmethod",)
    assert over["build"].signature == (("cls", "pk", False), ("name", "k", True),
                                       ("kw", "**", True))


def test_writes_settings_and_patches_are_told_apart() -> None:
    uses = scan("""\
        import litellm
        import litellm.proxy.proxy_server as ps
        from unittest import mock
        def ours(*a, **k): ...
        litellm.drop_params = True
        litellm.callbacks = [object()]
        setattr(litellm, "num_retries", 3)
        ps.user_api_key_auth = ours
        litellm.utils.get_llm_provider = lambda *a: None
        del litellm.utils.token_counter
        mock.patch("litellm.utils.get_llm_provider", ours).start()
        mock.patch.object(litellm.utils, "completion_cost").start()
    """)
    got = [(u.kind, u.path, u.value) for u in uses if u.kind in ("write", "delete", "patch")]
    assert got == [
        ("write", "litellm.drop_params", "literal"),
        ("write", "litellm.callbacks", "container"),
        ("write", "litellm.num_retries", "literal"),
        ("write", "litellm.proxy.proxy_server.user_api_key_auth", "function"),
        ("write", "litellm.utils.get_llm_provider", "function"),
        ("delete", "litellm.utils.token_counter", ""),
        ("patch", "litellm.utils.get_llm_provider", "function"),
        ("patch", "litellm.utils.completion_cost", "function"),
    ]


def test_monkeypatch_in_a_test_file_is_marked_as_test() -> None:
    (use,) = [u for u in scan("""\
        import litellm
        def test_x(monkeypatch):
            monkeypatch.setattr(litellm.utils, "get_llm_provider", lambda *a: None)
    """, "tests/test_x.py") if u.kind == "patch"]
    assert use.in_tests and use.path == "litellm.utils.get_llm_provider"
    assert is_test_path("tests/unit/helpers.py") and is_test_path("app/conftest.py")
    assert not is_test_path("app/testing_tools.py")


def test_dynamic_access_and_star_imports_are_possible_uses() -> None:
    uses = kinds("""\
        import litellm
        from litellm.proxy._types import *
        name = "drop_params"
        getattr(litellm, name)
        getattr(litellm, "num_retries")
    """)
    assert uses == [("import", "litellm", 1), ("star", "litellm.proxy._types", 2),
                    ("dynamic", "litellm", 4), ("read", "litellm.num_retries", 5)]


def test_a_file_without_the_package_name_is_not_parsed() -> None:
    assert scan_source(b"def broken(:\n", "a.py") == []


def test_syntax_error_is_a_scan_error_with_the_line() -> None:
    with pytest.raises(ScanError, match="syntax error at line 2"):
        scan_source(b"import litellm\ndef broken(:\n", "a.py")


def test_secrets_in_snippets_are_masked() -> None:
    code = 'import litellm\nlitellm.api_key = "sk-abcdefghijklmnopqrstuvwxyz123456"\n'
    (use,) = [u for u in scan(code) if u.kind == "write"]
    assert "abcdefghijklmnop" not in use.snippet


_TOKENS = ["litellm", ".", "(", ")", "=", ",", "import ", "from ", " as ", "\n", "x", "y",
           "setattr(", "getattr(", "class C(", "):\n    def f(self", ": pass\n", "del ",
           "mock.patch(", '"litellm.utils.f"', "'k'", "*", "**", "async ", "await ", "[", "]",
           "lambda: 1", "monkeypatch.setattr(", "1", "None", "super().", "    "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join))
def test_any_text_gives_uses_or_a_scan_error(text: str) -> None:
    try:
        uses = scan_source(("import litellm\n" + text).encode(), "a.py")
    except ScanError:
        return
    assert all(u.path.startswith("litellm") and u.line >= 1 for u in uses)
