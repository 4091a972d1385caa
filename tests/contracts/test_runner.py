"""Reading pytest's JUnit XML into named results."""

from __future__ import annotations

from nemoctl.contracts.runner import parse_junit

XML = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
<properties><property name="litellm_version" value="1.80.0"/></properties>
<testcase classname="nemoctl.contracts.suite.test_cost" name="test_cost_header_chat" time="0.04">
<failure
 message="AssertionError: header x-litellm-response-cost is missing&#10;assert None is not None">
tb</failure></testcase>
<testcase classname="nemoctl.contracts.suite.test_streaming" name="test_streaming_usage_cost"
 time="0.01"><properties><property name="stream_cost_header" value="absent"/></properties>
</testcase>
<testcase classname="nemoctl.contracts.suite.test_mount" name="test_in_process_mount" time="0">
<error message="failed on setup with &quot;ImportError: no proxy&quot;">tb</error></testcase>
</testsuite></testsuites>
"""


def test_parse_junit_keeps_names_outcomes_messages_and_observations() -> None:
    version, results = parse_junit(XML)
    assert version == "1.80.0"
    by_name = {r.name: r for r in results}
    cost = by_name["test_cost_header_chat"]
    assert (cost.outcome, cost.module) == ("failed", "test_cost")
    assert cost.message == "header x-litellm-response-cost is missing"
    assert by_name["test_streaming_usage_cost"].observations == (("stream_cost_header", "absent"),)
    assert by_name["test_in_process_mount"].outcome == "error"
    assert not by_name["test_in_process_mount"].passed


def test_credentials_in_messages_are_redacted() -> None:
    xml = XML.replace("header x-litellm", "https://user:s3cret@mirror.example/simple x-litellm")
    _, results = parse_junit(xml)
    assert "s3cret" not in results[0].message
    assert "https://***@mirror.example" in results[0].message
