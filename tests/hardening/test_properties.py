"""Property-based hardening: generated configs, version strings, cache entries and
Prisma-ish schemas never produce exit 70 or a traceback, and a refusal writes nothing."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nemoctl.config import load_config, parse_table
from nemoctl.config.codegen import python_package_problem
from nemoctl.errors import BadInputError, ConfigError
from nemoctl.sanitize import has_controls
from tests.hardening.conftest import SCHEMA, tree, write_project

_FIXTURE_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

# ---------------------------------------------------------------------------
# configurations

_SCALARS = (st.text(max_size=12) | st.integers(-5, 10**6) | st.booleans()
            | st.floats(allow_nan=False, allow_infinity=False))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(string.ascii_lowercase + "-", min_size=1,
                                                 max_size=10), inner, max_size=3),
                       max_leaves=6)
_KEYS = st.sampled_from([
    "schemas-dir", "generated-dir", "minimum-release-age", "missing-upload-time",
    "advisories", "fail-on", "rules", "upstreams", "contracts", "redact", "generate",
    "unknown-key",
])
_GOOD = {
    "schemas-dir": st.sampled_from(["schemas", "db/schemas", "../up", "/abs", ""]),
    "minimum-release-age": st.sampled_from(["3 days", "12h", "1 week 2 days", "3 fortnights",
                                            "soon", "0"]),
    "fail-on": st.sampled_from(["ERR", "WARN", "INFO", "err", "FATAL"]),
    "upstreams": st.fixed_dictionaries({"litellm": st.fixed_dictionaries({}, optional={
        "package": st.sampled_from(["litellm", "litellm; rm -rf ~", "lite llm", "x" * 300]),
        "extras": st.sampled_from([["proxy"], "proxy", [], ["a b"], 5]),
        "coupled": st.sampled_from([["litellm-proxy-extras"], 5, "x", [1]]),
        "schema-path": st.sampled_from(["litellm/proxy/schema.prisma", "../x", 5]),
        "typo": st.just(1),
    })}),
    "contracts": st.fixed_dictionaries({}, optional={
        "command": st.sampled_from(["pytest -q", ["python", "x.py"], [], 5, [1]]),
        "comand": st.just("x"),
    }),
    "generate": st.fixed_dictionaries({}, optional={
        "python-package": st.sampled_from(["gateway_models", "json", "Bad-Name", "class", 5]),
        "supabase-schema": st.sampled_from(["public", "api", "Public Schema", ""]),
        "bigint": st.sampled_from(["number", "string", "bigint", "float", 5]),
        "big-int": st.just("x"),
    }),
}


@st.composite
def tables(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(_KEYS, max_size=4, unique=True))
    return {k: draw(_GOOD[k] if k in _GOOD and draw(st.booleans()) else _VALUES) for k in keys}


def _pyproject(table: dict[str, Any]) -> str:
    doc = {"project": {"name": "svc", "version": "0.1.0",
                       "dependencies": ["litellm[proxy]==1.2.0"]},
           "tool": {"nemoctl": table}}
    return tomlkit.dumps(doc)


@settings(max_examples=100, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(table=tables())
def test_any_config_loads_or_is_refused_naming_the_key(table: dict[str, Any],
                                                       tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir(exist_ok=True)
    (root / "pyproject.toml").write_text(_pyproject(table), encoding="utf-8")
    try:
        config = load_config(root)
    except ConfigError as exc:
        message = exc.message
        assert "\n" not in message
        assert "tool.nemoctl" in message or "rule" in message, message
    else:
        assert config.schemas_dir.is_relative_to(config.root)
        assert config.generated_dir.is_relative_to(config.root)
        for up in config.upstreams.values():
            assert all(isinstance(e, str) and " " not in e for e in up.extras)
            assert " " not in up.package and ";" not in up.package
        assert python_package_problem(config.codegen.python_package) is None
        assert config.codegen.bigint in ("number", "string", "bigint")


@pytest.mark.parametrize("table,message", [
    ({"generated-dir": ["generated"]}, "tool.nemoctl.generated-dir: expected a string, got array"),
    ({"schemas-dir": 5}, "tool.nemoctl.schemas-dir: expected a string, got integer 5"),
    ({"advisories": 5}, "tool.nemoctl.advisories: expected a string, got integer 5"),
    ({"upstreams": {"litellm": {"extras": "proxy"}}},
     "tool.nemoctl.upstreams.litellm.extras: expected an array, got string 'proxy'"),
    ({"upstreams": {"litellm": {"coupled": 5}}},
     "tool.nemoctl.upstreams.litellm.coupled: expected an array, got integer 5"),
    ({"upstreams": {"litellm": {"package": "litellm; rm -rf ~"}}},
     "tool.nemoctl.upstreams.litellm.package: expected a PEP 508 package name"),
    ({"contracts": {"comand": "pytest"}}, "unknown key 'comand' in [tool.nemoctl.contracts]"),
    ({"contracts": {"command": []}}, "tool.nemoctl.contracts.command: expected a non-empty"),
    ({"redact": {"parms": []}}, "unknown key 'parms' in [tool.nemoctl.redact]"),
    ({"minimum-release-age": "3 fortnights"},
     "tool.nemoctl.minimum-release-age: expected a duration"),
    ({"fail-on": "err"}, "tool.nemoctl.fail-on: expected one of 'ERR', 'WARN' or 'INFO'"),
    ({"rules": {"FIELD_GONE": "ERR"}}, "unknown rule 'FIELD_GONE' in [tool.nemoctl.rules]"),
    ({"upstream": {}}, "unknown key 'upstream' in [tool.nemoctl]"),
])
def test_each_reported_config_mistake_names_its_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_table(table)
    assert refused.value.message.startswith(message), refused.value.message


@settings(max_examples=12, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(table=tables())
def test_refused_config_writes_nothing_through_the_cli(  # type: ignore[no-untyped-def]
    table: dict[str, Any], cli, cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    try:
        parse_table(table)
    except ConfigError:
        pass
    else:
        assume(False)  # a valid config would really generate: not this test's subject
    root = tmp_path_factory.mktemp("cfg")
    (root / "pyproject.toml").write_text(_pyproject(table), encoding="utf-8")
    before = tree(root)
    for args in (["generate"], ["check"], ["diff", "--to", "1.2.0"]):
        result = cli(args, cwd=root)
        assert result.code == 2, (args, result.text)
        assert result.err.startswith("error: "), result.err
        assert "Traceback" not in result.text and "This is a bug" not in result.text
    assert tree(root) == before


def test_bad_release_age_is_refused_before_any_network_work(  # type: ignore[no-untyped-def]
    cli, cache: Path, tmp_path: Path, index
) -> None:
    root = write_project(tmp_path / "svc", nemoctl='minimum-release-age = "3 fortnights"')
    served = len(index.downloads())
    result = cli(["upgrade", "litellm", "1.3.0"], cwd=root)
    assert result.code == 2, result.text
    assert "tool.nemoctl.minimum-release-age: expected a duration" in result.err
    assert len(index.downloads()) == served


@pytest.mark.parametrize("name,content", [
    ("requirements.txt", b"litellm==1.2.0\n\xff\xfe bad\n"),
    ("pyproject.toml", '[project]\nname = "\u00e9"\n'.encode("latin-1")),
])
def test_non_utf8_project_files_are_bad_input(  # type: ignore[no-untyped-def]
    cli, cache: Path, tmp_path: Path, name: str, content: bytes
) -> None:
    root = write_project(tmp_path / "svc")
    (root / name).write_bytes(content)
    result = cli(["check"], cwd=root)
    assert result.code == 2, result.text
    # check reports it as the lock check's problem (stdout), and exits 2 for it
    assert "not UTF-8" in result.text and name in result.text


_HEAD = '[project]\nname = "svc"\nversion = "0"\ndependencies = ["litellm==1.2.0"]\n'


@pytest.mark.parametrize("where,body", [
    ("project.optional-dependencies", _HEAD + 'optional-dependencies = ["x"]\n'),
    ("dependency-groups", 'dependency-groups = ["x"]\n' + _HEAD),
])
def test_dependency_tables_as_arrays_are_bad_input(  # type: ignore[no-untyped-def]
    cli, cache: Path, tmp_path: Path, where: str, body: str
) -> None:
    root = tmp_path / "svc"
    root.mkdir()
    (root / "pyproject.toml").write_text(body)
    result = cli(["check"], cwd=root)
    assert result.code == 2, result.text
    assert f"[{where}] must be a table, not an array" in result.text


# ---------------------------------------------------------------------------
# version strings


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=40) | st.text("0123456789.", min_size=100, max_size=12000)
       | st.from_regex(r"\A[0-9]{1,6}(\.[0-9]{1,6}){0,4}([ab]|rc|\.post|\.dev)?[0-9]{0,3}\Z"))
def test_version_strings_normalise_or_are_bad_input(text: str) -> None:
    from nemoctl.upstream import normalize_version

    try:
        out = normalize_version(text)
    except BadInputError as exc:
        assert len(exc.message) < 200
    else:
        assert len(out) <= 128 and normalize_version(out) == out


@settings(max_examples=10, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(text=st.text(string.printable + "\x1b\x00\u202e", min_size=1, max_size=300))
def test_cli_version_specs_never_crash(text: str, cli, cache: Path, project: Path) -> None:  # type: ignore[no-untyped-def]
    from nemoctl.upstream import normalize_version

    try:
        normalize_version(text)
    except BadInputError:
        pass
    else:
        assume(False)  # a valid version would go to the index: not this test's subject
    assume(not text.startswith("-") and not text.endswith((".prisma", ".whl")))
    assume("/" not in text and "\\" not in text and "\x00" not in text)
    result = cli(["schema", "show", text], cwd=project)
    assert result.code == 2, result.text
    assert "Traceback" not in result.text
    assert not has_controls(result.err, keep_newlines=True)


# ---------------------------------------------------------------------------
# cache entries

_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
_REF_STRINGS = st.sampled_from(["../../../victim", "a" * 64, "A" * 64, "x.whl", "../x.whl",
                                "sub/x.whl", ".hidden.whl", "", "\x00.whl", "0" * 63])


@settings(max_examples=120, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(data=_JSON | st.fixed_dictionaries({"filename": _REF_STRINGS, "sha256": _REF_STRINGS},
                                          optional={"index_sha256": _REF_STRINGS}))
def test_wheel_refs_are_validated_never_followed(data: Any, cache: Path) -> None:
    from nemoctl.upstream import cache as wheel_cache
    from nemoctl.upstream._pipconfig import pip_settings

    victim = cache.parent / "victim" / "x.whl"
    victim.parent.mkdir(exist_ok=True)
    victim.write_text("outside the cache")
    fingerprint = pip_settings().fingerprint()
    ref = wheel_cache.ref_path(fingerprint, "litellm", "1.2.0")
    ref.write_text(json.dumps(data))
    got = wheel_cache.read_ref(fingerprint, "litellm", "1.2.0")
    if got is not None:
        assert wheel_cache.is_sha256(got["sha256"])
        assert wheel_cache.is_safe_filename(got["filename"])
        wheel_cache.verified_blob(got["sha256"], got["filename"])
    assert victim.read_text() == "outside the cache"


@pytest.mark.slow  # a real pip download (~5 s); the property test above covers "never followed"
def test_traversal_ref_is_discarded_and_the_wheel_refetched(  # type: ignore[no-untyped-def]
    cli, cache: Path, project: Path, index, caplog: pytest.LogCaptureFixture
) -> None:
    victim = cache.parent / "victim" / "file.whl"
    victim.parent.mkdir()
    victim.write_text("precious")
    (ref,) = (cache / "wheels" / "refs").rglob("1.2.0.json")
    ref.write_text('{"filename": "file.whl", "sha256": "../../../victim"}')
    result = cli(["schema", "show", "1.2.0"], cwd=project)
    assert result.code == 0, result.text
    assert victim.read_text() == "precious"
    assert "discarded cache entry" in caplog.text + result.err
    assert json.loads(ref.read_text())["sha256"] != "../../../victim"


def _entry(cache: Path) -> Path:
    from nemoctl.schema.parser import cache_entry_path, sha256_text

    path = cache_entry_path(sha256_text(SCHEMA))
    assert path.is_relative_to(cache)
    return path


def _original_entry(cache_template: Path, cache: Path) -> dict[str, Any]:
    path = _entry(cache)
    data: dict[str, Any] = json.loads(
        (cache_template / path.relative_to(cache)).read_text(encoding="utf-8"))
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(data=_JSON, keep_envelope=st.booleans())
def test_parsed_schema_entries_are_authenticated(data: Any, keep_envelope: bool,
                                                 cache: Path, cache_template: Path) -> None:
    from nemoctl.schema.parser import cached_datamodel, from_datamodel, sha256_text

    path = _entry(cache)
    original = _original_entry(cache_template, cache)
    if keep_envelope:  # a well-formed envelope around a foreign datamodel
        data = {**original, "datamodel": data}
    path.write_text(json.dumps(data))
    got = cached_datamodel(sha256_text(SCHEMA))
    assert got is None or got == original["datamodel"]
    if got is not None:
        from_datamodel(got, sha256=sha256_text(SCHEMA))


@pytest.mark.parametrize("edit", ["drop-model", "rename-type", "name-int", "foreign-digest"])
def test_an_edited_parsed_entry_is_rebuilt_with_a_warning(  # type: ignore[no-untyped-def]
    cli, cache: Path, tmp_path: Path, edit: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = _entry(cache)
    entry = json.loads(path.read_text())
    if edit == "drop-model":  # other valid JSON: 0 models instead of 1
        entry["datamodel"]["models"] = []
    elif edit == "rename-type":
        entry["datamodel"]["models"][0]["fields"][1]["type"] = "String"
    elif edit == "name-int":
        entry = {"models": [{"name": 1}]}
    else:
        entry["schema_sha256"] = "0" * 64
    path.write_text(json.dumps(entry))
    (tmp_path / "s.prisma").write_text(SCHEMA)
    result = cli(["schema", "show", "s.prisma"], cwd=tmp_path)
    assert result.code == 0, result.text
    assert "1 models" in result.out and "spend_logs" in result.out
    assert "discarded cache entry" in caplog.text + result.err
    rebuilt = json.loads(path.read_text())
    assert rebuilt["datamodel"]["models"][0]["name"] == "LiteLLM_SpendLogs"


# ---------------------------------------------------------------------------
# Prisma-ish schemas

_IDENT = st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=12)
_NOISE = st.sampled_from(["\x1b[31m", "\x07", "\x1b]0;pwned\x07", "\u202e", "\r", "\x00", ""])
_KEYWORDS = st.sampled_from(["model", "enum", "type", "String", "Int", "datasource",
                             "generator", "view", "true"])


@st.composite
def schemas(draw: st.DrawFn) -> str:
    enums = draw(st.lists(_IDENT | _KEYWORDS, max_size=2, unique=True))
    models = draw(st.lists(_IDENT | _KEYWORDS, min_size=1, max_size=3, unique=True))
    blocks = []
    for name in enums:
        values = draw(st.lists(_IDENT, min_size=1, max_size=3, unique=True))
        blocks.append(f"enum {name} {{\n" + "".join(f"  {v}\n" for v in values) + "}\n")
    for name in models:
        noise = draw(_NOISE)
        table = draw(_IDENT)
        kind = draw(st.sampled_from([*enums, "String", "Int"]) if enums
                    else st.sampled_from(["String", "Int"]))
        blocks.append(
            f"model {name} {{\n  id String @id @map(\"i{noise}d\")\n  v {kind}?\n"
            f"  @@map(\"{table}{draw(_NOISE)}\")\n}}\n")
    order = draw(st.permutations(blocks))
    return "".join(order)


@settings(max_examples=5, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(text=schemas())
def test_prisma_ish_schemas_show_or_refuse_with_clean_output(  # type: ignore[no-untyped-def]
    text: str, cli, cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("prisma")
    (root / "s.prisma").write_text(text)
    (root / "base.prisma").write_text(SCHEMA)
    result = cli(["schema", "show", "s.prisma"], cwd=root)
    assert result.code in (0, 2), result.text
    assert "Traceback" not in result.text and "This is a bug" not in result.text
    assert not has_controls(result.text, keep_newlines=True), result.text
    # The same text through diff (its parse is cached now): every format but JSON clean.
    for fmt in ("human", "markdown", "github"):
        diffed = cli(["diff", "--from", "base.prisma", "--to", "s.prisma", "--format", fmt],
                     cwd=root)
        assert diffed.code in ((0, 1, 4) if result.code == 0 else (2,)), diffed.text
        assert not has_controls(diffed.text, keep_newlines=True), diffed.text
