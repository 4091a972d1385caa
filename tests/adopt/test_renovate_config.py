"""The Renovate config ``nemoctl init --ci renovate`` writes or merges.

Format preservation is checked byte for byte: every edit is an insertion (or the
replacement of nemoctl's own rule), so the team's text -- comments, quoting, trailing
commas, key order, indentation -- must survive as a subsequence of the result.  The
written data is validated against Renovate's own JSON schema, read from the ``renovate``
npm package (``npm pack``: the package alone, 3 MB, no dependencies installed);
Renovate's validator itself runs in tests/adopt/test_renovate_e2e.py.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import tarfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import json5
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemoctl._filelock import FileLock
from nemoctl.adopt.jsonedit import MAX_CHARS
from nemoctl.adopt.renovate import (
    MARKER,
    PUBLISH_AUTHOR,
    admin_config,
    find_config,
    nemoctl_rule,
    plan_renovate_config,
    post_upgrade_rule,
    renovate_age,
    spellings,
)
from nemoctl.config import cache_dir
from nemoctl.errors import BadInputError, ExitCode
from nemoctl.supply_chain.policy import parse_age

RENOVATE_VERSION = json.loads(
    (Path(__file__).parent / "renovate" / "package.json").read_text()
)["dependencies"]["renovate"]

RULE = nemoctl_rule(written_names=["litellm", "LiteLLM_Proxy_Extras"], minimum_release_age="3 days")

TEAM_JSON5 = """\
// Our team's Renovate settings: reviewed in #platform.
{
  extends: ['config:recommended'], // keep the presets
  /* weekends only, please */
  schedule: ['every weekend'],
  packageRules: [
    {
      matchPackageNames: ['fastapi'],
      enabled: false, // we move it by hand
    },
  ],
}
"""


@pytest.fixture(scope="session")
def renovate_schema() -> dict[str, Any]:
    """``renovate-schema.json`` from the pinned ``renovate`` npm package (cached)."""
    root = cache_dir() / "test-renovate-schema" / RENOVATE_VERSION
    schema = root / "renovate-schema.json"
    if not schema.is_file():
        root.mkdir(parents=True, exist_ok=True)
        with FileLock(root.parent / f"{RENOVATE_VERSION}.lock"):
            if not schema.is_file():
                subprocess.run(
                    ["npm", "pack", f"renovate@{RENOVATE_VERSION}", "--loglevel=error",
                     "--pack-destination", str(root)],
                    cwd=root, check=True, capture_output=True, timeout=300,
                )
                (tgz,) = root.glob("renovate-*.tgz")
                with tarfile.open(tgz) as tar:
                    member = tar.extractfile("package/renovate-schema.json")
                    assert member is not None
                    tmp = root / "schema.tmp"
                    tmp.write_bytes(member.read())
                    tmp.replace(schema)
                tgz.unlink()
    data: dict[str, Any] = json.loads(schema.read_text())
    return data


def _validate(schema: dict[str, Any], config: Any) -> list[str]:
    import jsonschema  # type: ignore[import-untyped]

    validator = jsonschema.Draft7Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(config)]


def _only_insertions(before: str, after: str) -> None:
    """Every character of ``before`` is still there, in order: nothing was rewritten."""
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    assert {op for op, *_ in ops} <= {"equal", "insert"}, [
        (op, before[i1:i2], after[j1:j2]) for op, i1, i2, j1, j2 in ops if op != "equal"
    ]


def _plan(root: Path, rule: dict[str, Any] = RULE) -> tuple[str, str]:
    planned = plan_renovate_config(root, rule)
    if planned.data is not None:
        (root / planned.path).write_bytes(planned.data)
    return planned.action, planned.path


def test_a_repository_without_renovate_gets_a_valid_renovate_json(
    tmp_path: Path, renovate_schema: dict[str, Any]
) -> None:
    assert _plan(tmp_path) == ("create", "renovate.json")
    config = json.loads((tmp_path / "renovate.json").read_text())
    assert _validate(renovate_schema, config) == []
    (rule,) = config["packageRules"]
    assert rule["groupName"] == "litellm" and rule["rangeStrategy"] == "pin"
    assert rule["minimumReleaseAge"] == "3 days" and rule["internalChecksFilter"] == "strict"
    assert {"litellm", "litellm-proxy-extras", "litellm_proxy_extras", "litellm-enterprise",
            "LiteLLM_Proxy_Extras"} <= set(rule["matchPackageNames"])
    assert "actions/workflows/nemoctl-ci.yml" in rule["prBodyNotes"][0]
    assert config["gitIgnoredAuthors"] == [PUBLISH_AUTHOR]
    assert _plan(tmp_path) == ("unchanged", "renovate.json")


def test_a_json5_config_keeps_every_comment_and_gains_one_rule(
    tmp_path: Path, renovate_schema: dict[str, Any]
) -> None:
    (tmp_path / "renovate.json5").write_text(TEAM_JSON5)
    assert _plan(tmp_path) == ("update", "renovate.json5")
    text = (tmp_path / "renovate.json5").read_text()
    _only_insertions(TEAM_JSON5, text)
    for comment in ("// Our team's", "// keep the presets", "/* weekends only, please */",
                    "// we move it by hand"):
        assert comment in text
    data = json5.loads(text)
    assert data["schedule"] == ["every weekend"]
    assert data["packageRules"] == [{"matchPackageNames": ["fastapi"], "enabled": False}, RULE]
    assert _validate(renovate_schema, data) == []
    assert _plan(tmp_path) == ("unchanged", "renovate.json5")  # idempotent


def test_a_strict_json_config_stays_strict_json_in_its_own_indentation(tmp_path: Path) -> None:
    before = json.dumps({"extends": ["config:base"], "gitIgnoredAuthors": ["a@example.com"],
                         "labels": ["deps"]}, indent=4) + "\n"
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "renovate.json").write_text(before)
    assert _plan(tmp_path) == ("update", ".github/renovate.json")
    after = (tmp_path / ".github" / "renovate.json").read_text()
    _only_insertions(before, after)
    data = json.loads(after)  # still plain JSON
    assert data["gitIgnoredAuthors"] == ["a@example.com", PUBLISH_AUTHOR]
    assert data["packageRules"] == [RULE]
    assert '\n    "packageRules": [\n        {\n            "description"' in after


def test_package_json_renovate_key_is_edited_in_place(tmp_path: Path) -> None:
    before = ('{\n  "name": "web",\n  "version": "1.0.0",\n  "renovate": {\n'
              '    "extends": ["config:recommended"]\n  },\n  "private": true\n}\n')
    (tmp_path / "package.json").write_text(before)
    assert find_config(tmp_path) is not None
    assert _plan(tmp_path) == ("update", "package.json")
    after = (tmp_path / "package.json").read_text()
    _only_insertions(before, after)
    data = json.loads(after)
    assert data["renovate"]["packageRules"] == [RULE] and data["private"] is True
    assert set(data) == {"name", "version", "renovate", "private"}


def test_renovates_own_search_order_decides_which_file_is_edited(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "web"}')  # no "renovate" key
    assert find_config(tmp_path) is None
    (tmp_path / ".renovaterc").write_text("{}")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "renovate.json5").write_text("{}")
    found = find_config(tmp_path)
    assert found is not None and found.path == ".github/renovate.json5"
    (tmp_path / "renovate.json").write_text("{}")
    found = find_config(tmp_path)
    assert found is not None and found.path == "renovate.json"
    assert _plan(tmp_path) == ("update", "renovate.json")
    assert (tmp_path / ".renovaterc").read_text() == "{}"  # the file Renovate ignores


def test_an_edited_nemoctl_rule_is_a_conflict_and_force_data_replaces_only_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "renovate.json5").write_text(TEAM_JSON5)
    _plan(tmp_path)
    merged = (tmp_path / "renovate.json5").read_text()
    # The policy moved to a week: the rule must follow, but only with --force.
    week = nemoctl_rule(written_names=[], minimum_release_age="1 week")
    planned = plan_renovate_config(tmp_path, week)
    assert planned.action == "conflict" and planned.data is not None
    assert (tmp_path / "renovate.json5").read_text() == merged  # planning writes nothing
    replaced = planned.data.decode()
    assert json5.loads(replaced)["packageRules"][1]["minimumReleaseAge"] == "7 days"
    assert replaced.startswith(TEAM_JSON5.split("    },\n  ],")[0])
    assert "// we move it by hand" in replaced


@pytest.mark.parametrize(("text", "why"), [
    ('{"packageRules": {"a": 1}}', '"packageRules" is not a list'),
    ('{"gitIgnoredAuthors": "me"}', '"gitIgnoredAuthors" is not a list'),
    ("[1, 2]", "the config is not an object"),
    ("{extends: [", "not valid JSON5"),
    ("[" * 3000 + "]" * 3000, "nested too deeply"),
    ('{"a": "' + "x" * MAX_CHARS + '"}', "larger than"),
    (f'{{"packageRules": [{{"description": "{MARKER} a"}}, {{"description": "{MARKER} b"}}]}}',
     "2 rules start their description"),
])
def test_what_cannot_be_merged_is_refused_with_the_snippet(
    tmp_path: Path, text: str, why: str
) -> None:
    (tmp_path / "renovate.json").write_text(text)
    with pytest.raises(BadInputError) as raised:
        plan_renovate_config(tmp_path, RULE)
    assert raised.value.exit_code == ExitCode.BAD_INPUT
    assert why in raised.value.message and "nothing was written" in raised.value.message
    assert raised.value.hint is not None
    pasted = json.loads(raised.value.hint.split("\n", 1)[1])
    assert pasted == {"gitIgnoredAuthors": [PUBLISH_AUTHOR], "packageRules": [RULE]}
    assert (tmp_path / "renovate.json").read_text() == text


def test_self_hosted_post_upgrade_entry_is_schema_valid(
    renovate_schema: dict[str, Any]
) -> None:
    rule = post_upgrade_rule(project_dir="services/gateway", schemas_dir="schemas",
                             generated_dir="generated", lockfile="uv.lock")
    task = rule["postUpgradeTasks"]
    assert task["commands"] == ["nemoctl generate"]
    assert task["workingDirTemplate"] == "services/gateway"
    assert "services/gateway/uv.lock" in task["fileFilters"]
    assert _validate(renovate_schema, {"packageRules": [RULE, rule]}) == []
    # Global-only: Renovate's schema refuses it in a repository's config, so docs/ci.md
    # puts it in the bot's own configuration (validated as such in test_renovate_e2e.py).
    assert _validate(renovate_schema, admin_config()) != []
    import re

    (allowed,) = admin_config()["allowedCommands"]
    assert re.search(allowed, "nemoctl generate") and not re.search(allowed, "nemoctl ci; rm")


def test_spellings_cover_pep503_variants_and_only_the_grouped_packages() -> None:
    names = spellings(["LiteLLM.Enterprise", "fastapi", "litellm"])
    assert "LiteLLM.Enterprise" in names and "fastapi" not in names
    assert len(names) == len(set(names))


@given(st.integers(min_value=0, max_value=10 * 7 * 86400),
       st.sampled_from(["s", " seconds", "m", " minutes", "h", " hours", " days", "d"]))
def test_renovate_age_means_the_same_duration(amount: int, unit: str) -> None:
    text = f"{amount}{unit}"
    assert parse_age(renovate_age(text)) == parse_age(text)
    number, word = renovate_age(text).split()
    assert int(number) >= 0 and word in ("days", "hours", "minutes", "seconds")


def test_renovate_age_of_mixed_units() -> None:
    assert renovate_age("1 week 2 days") == "9 days"
    assert renovate_age("36h") == "36 hours"
    assert parse_age(renovate_age("90 minutes")) == timedelta(minutes=90)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000),
                     st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]),
                             max_size=12))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.text("abcdefgh", min_size=1, max_size=6), inner, max_size=3)),
    max_leaves=8)
_configs = st.fixed_dictionaries(
    {}, optional={
        "extends": st.lists(st.sampled_from(["config:recommended", ":pinAll"]), max_size=2),
        "packageRules": st.lists(st.dictionaries(st.sampled_from(["matchPackageNames",
                                                                 "enabled", "labels"]),
                                                 _values, max_size=2), max_size=3),
        "gitIgnoredAuthors": st.lists(st.emails(), max_size=2),
        "labels": _values,
    })


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(config=_configs, indent=st.sampled_from([None, 2, 4, "\t"]), trailing_nl=st.booleans())
def test_any_json_config_keeps_its_bytes_and_data(
    tmp_path: Path, config: dict[str, Any], indent: int | str | None, trailing_nl: bool
) -> None:
    before = json.dumps(config, indent=indent, ensure_ascii=False) + ("\n" if trailing_nl else "")
    path = tmp_path / "renovate.json"
    path.write_text(before, encoding="utf-8")
    planned = plan_renovate_config(tmp_path, RULE)
    assert planned.action == "update" and planned.data is not None
    after = planned.data.decode()
    _only_insertions(before, after)
    data = json.loads(after)
    expected = dict(config)
    expected["gitIgnoredAuthors"] = [*config.get("gitIgnoredAuthors", []), PUBLISH_AUTHOR] \
        if PUBLISH_AUTHOR not in config.get("gitIgnoredAuthors", []) else \
        config["gitIgnoredAuthors"]
    expected["packageRules"] = [*config.get("packageRules", []), RULE]
    assert data == expected
    path.write_bytes(planned.data)
    assert plan_renovate_config(tmp_path, RULE).action == "unchanged"


def test_an_existing_dependabot_config_is_named_not_deleted(tmp_path: Path) -> None:
    from nemoctl.adopt.renovate import plan_for_project

    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "dependabot.yml").write_text("version: 2\nupdates: []\n")
    planned = plan_for_project(tmp_path, minimum_release_age=None,
                               pin_texts=["litellm_proxy_extras==0.1.0", "{version = '1'}"])
    assert planned.action == "create" and planned.data is not None
    assert ".github/dependabot.yml exists too" in planned.note
    (rule,) = json.loads(planned.data)["packageRules"]
    # No policy: Renovate's own settings apply.
    assert "minimumReleaseAge" not in rule and "internalChecksFilter" not in rule
    assert (tmp_path / ".github" / "dependabot.yml").is_file()
