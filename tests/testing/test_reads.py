"""The read side of the local server: post events, read them back (stdlib clients only).

Most tests use the suite's ``server`` fixture, so every request and every answer here is
also checked against openapi.yaml after the test.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

from speakeasy.testing import EventsServer, Reply
from tests.support.local_server import KEY, error_of, event, get, ids, post, read

SEARCH = "/v1/workspace/ws-1/events"
TARGETS = "/v1/workspace/ws-1/events/targets"


def at(second: int, offset: str = "Z") -> str:
    """An RFC 3339 time on one day, ``second`` seconds after 06:00."""
    return f"2024-11-21T06:{second // 60:02d}:{second % 60:02d}{offset}"


def by_target(target: str) -> str:
    return f"/v1/workspace/ws-1/events/targets/{target}/events"


def store(server: EventsServer, *events: Dict[str, Any], workspace: str = "ws-1") -> None:
    assert post(server, list(events), path=f"/v1/workspace/{workspace}/events")[0] == 200


# ----------------------------------------------------------------------------------------
# search
# ----------------------------------------------------------------------------------------


def test_search_returns_what_was_posted_newest_first(server: EventsServer) -> None:
    store(server, event(id="middle", created_at=at(20)), event(id="old", created_at=at(10)))
    store(server, event(id="new", created_at=at(30)))
    found = read(server, SEARCH)
    assert ids(found) == ["new", "middle", "old"]
    assert found[1] == event(id="middle", created_at=at(20))  # as posted, every field


def test_search_orders_by_instant_across_offsets(server: EventsServer) -> None:
    """08:00:10+02:00 is 06:00:10Z: older than 06:00:20Z, newer than 06:00:05Z."""
    store(
        server,
        event(id="offset", created_at="2024-11-21T08:00:10.5+02:00"),
        event(id="later", created_at=at(20)),
        event(id="earlier", created_at="2024-11-21T06:00:05.999999Z"),
    )
    assert ids(read(server, SEARCH)) == ["later", "offset", "earlier"]


def test_search_ties_on_created_at_put_the_later_arrival_first(server: EventsServer) -> None:
    store(server, event(id="first", created_at=at(5)), event(id="second", created_at=at(5)))
    store(server, event(id="third", created_at=at(5)))
    assert ids(read(server, SEARCH)) == ["third", "second", "first"]


def searchable(name: str, second: int, interaction_type: str, success: bool) -> Dict[str, Any]:
    """An event whose every searchable string field is named after ``name``."""
    return event(
        id=name,
        created_at=at(second),
        source_revision_digest=f"sha256:rev-{name}",
        lint_report_digest=f"lint-{name}",
        openapi_diff_report_digest=f"diff-{name}",
        interaction_type=interaction_type,
        generate_gen_lock_id=f"gen-{name}",
        execution_id=f"exec-{name}",
        success=success,
    )


FILTERED: List[Dict[str, Any]] = [
    searchable("a", 1, "LINT", True),
    searchable("b", 2, "OPENAPI_DIFF", False),
    event(id="c", created_at=at(3), interaction_type="LINT", execution_id="exec-a", success=True),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("source_revision_digest=sha256%3Arev-a", ["a"]),
        ("lint_report_digest=lint-b", ["b"]),
        ("openapi_diff_report_digest=diff-a", ["a"]),
        ("interaction_type=LINT", ["c", "a"]),
        ("interaction_type=TEST", []),
        ("generate_gen_lock_id=gen-b", ["b"]),
        ("execution_id=exec-a", ["c", "a"]),
        ("success=true", ["c", "a"]),
        ("success=false", ["b"]),
        ("execution_id=exec-a&success=true&lint_report_digest=lint-a", ["a"]),
        ("execution_id=exec-a&interaction_type=OPENAPI_DIFF", []),
        ("limit=2", ["c", "b"]),
        ("limit=1&interaction_type=LINT", ["c"]),
        ("limit=100", ["c", "b", "a"]),
        ("", ["c", "b", "a"]),
    ],
)
def test_search_filters(server: EventsServer, query: str, expected: List[str]) -> None:
    """Each filter matches its field exactly; together they all must match; then limit."""
    store(server, *FILTERED)
    assert ids(read(server, f"{SEARCH}?{query}")) == expected


def test_search_by_an_interaction_type_newer_than_the_contract(server: EventsServer) -> None:
    store(server, event(id="new", interaction_type="SOMETHING_NEWER"), event(id="old"))
    assert ids(read(server, f"{SEARCH}?interaction_type=SOMETHING_NEWER")) == ["new"]


def test_search_answer_is_recorded_with_the_request(server: EventsServer) -> None:
    store(server, event(id="x"))
    status, headers, data = get(server, SEARCH)
    rec = server.received[-1]
    assert rec.method == "GET" and rec.workspace_id == "ws-1" and rec.events is None
    assert rec.response is not None
    assert (rec.response.status, rec.response.body) == (status, data) == (200, data)
    assert rec.response.headers["content-type"] == headers["content-type"] == "application/json"
    assert ids(rec.response.json()) == ["x"]
    assert server.events == [event(id="x")]  # a read stores nothing


def test_large_search_answer(server: EventsServer) -> None:
    """Over a thousand events come back whole: the server has no default limit."""
    store(server, *(event(id=f"e{i}", created_at=at(i)) for i in range(1100)))
    found = read(server, SEARCH)
    assert len(found) == 1100 and found[0]["id"] == "e1099"


# ----------------------------------------------------------------------------------------
# Workspaces
# ----------------------------------------------------------------------------------------


def test_workspaces_never_see_each_others_events(server: EventsServer) -> None:
    store(server, event(id="a1", generate_gen_lock_id="t"), workspace="ws-a")
    store(server, event(id="b1", generate_gen_lock_id="t"), workspace="ws-b")
    store(server, event(id="slash", generate_gen_lock_id="t"), workspace="ws-a%2Fb")
    assert ids(read(server, "/v1/workspace/ws-a/events")) == ["a1"]
    assert ids(read(server, "/v1/workspace/ws-b/events")) == ["b1"]
    assert ids(read(server, "/v1/workspace/ws-a%2Fb/events")) == ["slash"]
    assert read(server, "/v1/workspace/ws-c/events") == []
    assert ids(read(server, "/v1/workspace/ws-b/events/targets/t/events")) == ["b1"]
    [target] = read(server, "/v1/workspace/ws-a/events/targets")
    assert target["last_event_id"] == "a1"
    assert read(server, "/v1/workspace/ws-c/events/targets") == []
    # The workspace is the path's, whatever the events' own workspace_id field says.
    assert {e["workspace_id"] for e in server.events} == {"string"}


def test_workspace_is_matched_after_percent_decoding(server: EventsServer) -> None:
    store(server, event(id="x"), workspace="team%20one")
    assert ids(read(server, "/v1/workspace/team%20one/events")) == ["x"]
    assert server.received[-1].workspace_id == "team one"


# ----------------------------------------------------------------------------------------
# events by target
# ----------------------------------------------------------------------------------------


def test_events_by_target(server: EventsServer) -> None:
    store(
        server,
        event(id="t1-old", created_at=at(1), generate_gen_lock_id="t1"),
        event(id="t2", created_at=at(2), generate_gen_lock_id="t2"),
        event(id="none", created_at=at(3)),
        event(id="t1-new", created_at=at(4), generate_gen_lock_id="t1"),
    )
    assert ids(read(server, by_target("t1"))) == ["t1-new", "t1-old"]
    assert ids(read(server, by_target("t2"))) == ["t2"]
    assert read(server, by_target("t3")) == []


def test_events_by_target_after_created_at_is_strictly_after(server: EventsServer) -> None:
    store(
        server,
        *(event(id=f"s{s}", created_at=at(s), generate_gen_lock_id="t") for s in (10, 20, 30)),
    )
    assert ids(read(server, by_target("t") + f"?after_created_at={at(20)}")) == ["s30"]
    assert ids(read(server, by_target("t") + f"?after_created_at={at(19)}")) == ["s30", "s20"]
    # 08:00:20+02:00 is 06:00:20Z.
    after = "2024-11-21T08%3A00%3A20%2B02%3A00"
    assert ids(read(server, by_target("t") + f"?after_created_at={after}")) == ["s30"]


def test_target_id_with_a_slash_stays_one_segment(server: EventsServer) -> None:
    store(server, event(id="x", generate_gen_lock_id="team/sdk"))
    assert ids(read(server, by_target("team%2Fsdk"))) == ["x"]


# ----------------------------------------------------------------------------------------
# targets
# ----------------------------------------------------------------------------------------


def test_one_target_per_gen_lock_id_from_its_latest_event(server: EventsServer) -> None:
    target = {"generate_gen_lock_id": "t1", "generate_target": "typescript"}
    generated = {**target, "interaction_type": "TARGET_GENERATE"}
    older = event(
        id="gen-old",
        created_at=at(1),
        hostname="old-host",
        commit_head="old-commit",
        generate_number_of_operations_used=3,
        **generated,
    )
    carried = {
        "success": True,
        "commit_head": "new-commit",
        "gh_action_ref": "refs/heads/main",
        "generate_published": True,
        "generate_number_of_terraform_resources": 7,
        "source_revision_digest": "sha256:rev",
        "workflow_pre_raw": "workflow",
        "error": "",
    }
    latest = event(id="gen-new", created_at=at(5), **generated, **carried)
    other = event(id="other", created_at=at(3), generate_gen_lock_id="t2", generate_target="go")
    store(server, older, latest, other, event(id="no-target", created_at=at(9)))
    targets = read(server, TARGETS)
    assert [t["id"] for t in targets] == ["t1", "t2"]  # newest last event first
    assert targets[0] == {
        **target,
        "id": "t1",
        "last_event_created_at": at(5),
        "last_event_id": "gen-new",
        "last_event_interaction_type": "TARGET_GENERATE",
        **carried,
    }  # hostname and operations_used were only in the older event: not carried over
    assert targets[1]["last_event_id"] == "other" and targets[1]["generate_target"] == "go"


def test_every_shared_field_is_copied_from_the_latest_event(server: EventsServer) -> None:
    shared = {
        "commit_head": "c",
        "continuous_integration_environment": "ci",
        "error": "e",
        "generate_config_post_version": "1.0.1",
        "generate_eligible_features": "f",
        "generate_gen_lock_pre_features": "pf",
        "generate_gen_lock_pre_version": "1.0.0",
        "generate_number_of_operations_ignored": 1,
        "generate_number_of_operations_used": 2,
        "generate_number_of_terraform_resources": 3,
        "generate_published": False,
        "generate_target_name": "name",
        "generate_target_version": "v2",
        "gh_action_organization": "org",
        "gh_action_ref": "ref",
        "gh_action_repository": "repo",
        "gh_action_run_link": "https://example.test/run",
        "gh_action_version": "v1",
        "git_relative_cwd": ".",
        "git_remote_default_owner": "owner",
        "git_remote_default_repo": "remote",
        "git_user_email": "a@example.test",
        "git_user_name": "A",
        "hostname": "host",
        "publish_package_name": "pkg",
        "publish_package_registry_name": "pypi",
        "publish_package_url": "https://example.test/pkg",
        "publish_package_version": "1.0.1",
        "repo_label": "label",
        "source_blob_digest": "blob",
        "source_namespace_name": "ns",
        "source_revision_digest": "rev",
        "success": True,
        "workflow_lock_post_raw": "a",
        "workflow_lock_pre_raw": "b",
        "workflow_post_raw": "c",
        "workflow_pre_raw": "d",
    }
    store(server, event(id="x", generate_gen_lock_id="t", generate_target="py", **shared))
    [target] = read(server, TARGETS)
    assert {k: target[k] for k in shared} == shared
    assert len(target) == 6 + len(shared)  # the six required fields, and nothing else


def test_last_publish_comes_from_the_latest_publish_event(server: EventsServer) -> None:
    def publish(n: int, link: str) -> Dict[str, Any]:
        return event(
            id=f"pub-{n}",
            created_at=at(n),
            interaction_type="PUBLISH",
            generate_gen_lock_id="t",
            gh_action_run_link=link,
        )

    store(
        server,
        publish(1, "https://example.test/run/1"),
        publish(2, "https://example.test/run/2"),
        event(id="gen", created_at=at(3), generate_gen_lock_id="t", generate_target="python"),
    )
    [target] = read(server, TARGETS)
    assert target["last_event_id"] == "gen"
    assert target["last_publish_created_at"] == at(2)
    assert target["last_publish_gh_action_run_link"] == "https://example.test/run/2"
    assert "gh_action_run_link" not in target  # the latest event had none
    # The generate_target of the latest event that names one.
    assert target["generate_target"] == "python"


def test_no_publish_event_means_no_last_publish(server: EventsServer) -> None:
    store(server, event(id="x", generate_gen_lock_id="t", interaction_type="RUN"))
    [target] = read(server, TARGETS)
    assert "last_publish_created_at" not in target
    assert "last_publish_gh_action_run_link" not in target
    assert target["generate_target"] == ""  # required, and no event named one


def test_publish_without_a_run_link(server: EventsServer) -> None:
    store(server, event(id="p", generate_gen_lock_id="t", interaction_type="PUBLISH"))
    [target] = read(server, TARGETS)
    assert target["last_publish_created_at"] == event()["created_at"]
    assert "last_publish_gh_action_run_link" not in target


def test_targets_after_last_event_created_at_is_strictly_after(server: EventsServer) -> None:
    store(
        server,
        event(id="a-old", created_at=at(50), generate_gen_lock_id="a"),
        event(id="a-new", created_at=at(10), generate_gen_lock_id="a"),  # posted later, older
        event(id="b", created_at=at(20), generate_gen_lock_id="b"),
        event(id="c", created_at=at(30), generate_gen_lock_id="c"),
    )
    after = TARGETS + "?after_last_event_created_at="
    assert [t["id"] for t in read(server, TARGETS)] == ["a", "c", "b"]
    assert [t["last_event_id"] for t in read(server, after + at(20))] == ["a-old", "c"]
    assert [t["id"] for t in read(server, after + at(50))] == []


# ----------------------------------------------------------------------------------------
# Rejected reads
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (f"{SEARCH}?limit=0", "limit"),
        (f"{SEARCH}?limit=-1", "limit"),
        (f"{SEARCH}?limit=ten", "limit"),
        (f"{SEARCH}?limit=", "limit"),
        (f"{SEARCH}?success=True", "success"),
        (f"{SEARCH}?success=1", "success"),
        (f"{SEARCH}?interaction_type=", "interaction_type"),
        (f"{SEARCH}?execution_id=a&execution_id=b", "execution_id"),
        (f"{SEARCH}?after_created_at={at(1)}", "after_created_at"),
        (f"{SEARCH}?succes=true", "succes"),
        (f"{by_target('t')}?after_created_at=2024-11-21T06:00:00", "after_created_at"),
        (f"{by_target('t')}?after_created_at=yesterday", "after_created_at"),
        (f"{by_target('t')}?limit=1", "limit"),
        (f"{TARGETS}?after_last_event_created_at=2024-13-01T00:00:00Z", "after_last_event"),
        (f"{TARGETS}?after_created_at={at(1)}", "after_created_at"),
    ],
)
@pytest.mark.no_contract_check
def test_bad_query_values_get_400_naming_the_parameter(
    server: EventsServer, path: str, parameter: str
) -> None:
    response = get(server, path)
    assert response[0] == 400
    message = error_of(response)
    assert message.startswith(parameter), message
    assert server.received[-1].error == message


@pytest.mark.no_contract_check
def test_a_raw_plus_in_a_date_time_gets_a_hint(server: EventsServer) -> None:
    response = get(server, f"{by_target('t')}?after_created_at=2024-11-21T08:00:00+02:00")
    assert response[0] == 400
    assert "%2B" in error_of(response)


@pytest.mark.no_contract_check
def test_query_that_is_not_utf8_gets_400(server: EventsServer) -> None:
    response = get(server, f"{SEARCH}?execution_id=%FF")
    assert (response[0], error_of(response)) == (400, "the query string is not valid UTF-8")


# ----------------------------------------------------------------------------------------
# Credentials, methods, options
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": f"Bearer {KEY}"},
        {"authorization": f"bearer {KEY}"},
        {"x-api-key": KEY, "x-workspace-identifier": "ws-ident"},
    ],
)
def test_a_configured_key_may_come_as_a_bearer_token(
    server: EventsServer, headers: Dict[str, str]
) -> None:
    assert get(server, SEARCH, headers)[0] == 200


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing API key"),
        ({"x-workspace-identifier": "ws-ident"}, "missing API key"),
        ({"authorization": "Bearer wrong"}, "invalid bearer token"),
        ({"x-api-key": KEY, "authorization": "Bearer wrong"}, "invalid bearer token"),
        ({"x-api-key": "wrong", "authorization": f"Bearer {KEY}"}, "invalid API key"),
        ({"authorization": KEY}, "Bearer <token>"),
        ({"x-api-key": " "}, "missing API key"),
    ],
)
@pytest.mark.no_contract_check
def test_reads_need_the_configured_key(
    server: EventsServer, headers: Dict[str, str], message: str
) -> None:
    response = get(server, SEARCH, headers)
    assert response[0] == 401
    assert message in error_of(response)


def test_without_a_configured_key_any_one_credential_is_enough() -> None:
    with EventsServer() as server:
        for headers in (
            {"x-api-key": "any"},
            {"authorization": "Bearer any"},
            {"x-workspace-identifier": "any"},
        ):
            assert get(server, SEARCH, headers)[0] == 200
            assert (
                post(server, path=SEARCH, headers={**headers, "content-type": "application/json"})[
                    0
                ]
                == 200
            )
        status, _, data = get(server, SEARCH, {"x-workspace-identifier": ""})
        assert status == 401 and b"x-workspace-identifier" in data


@pytest.mark.no_contract_check
def test_methods_per_path(server: EventsServer) -> None:
    all_targets = "/v1/workspace/events/targets"
    for path, allowed in (
        (TARGETS, "GET"),
        (all_targets, "GET"),
        (by_target("t"), "GET"),
        (SEARCH, "GET, POST"),
    ):
        status, headers, _ = post(server, path=path, method="DELETE")
        assert (status, headers["allow"]) == (405, allowed)
    assert post(server, path=TARGETS)[0] == 405  # a POST to a read path
    assert post(server, path=all_targets)[0] == 405
    assert get(server, "/v1/workspace/events/targets/t/events")[0] == 404
    assert get(server, "/v1/workspace/ws-1/events/targets/t")[0] == 404
    assert get(server, by_target("team/sdk"))[0] == 404  # an unescaped slash: another path


def test_reads_answer_from_nothing_when_not_recording(server: EventsServer) -> None:
    server.record = False
    store(server, event(id="x", generate_gen_lock_id="t"))
    assert server.event_count == 1
    assert read(server, SEARCH) == [] and read(server, TARGETS) == []


def test_reset_forgets_stored_events(server: EventsServer) -> None:
    store(server, event(id="x"))
    server.reset()
    assert read(server, SEARCH) == []


def test_scripted_replies_answer_reads_too(server: EventsServer) -> None:
    store(server, event(id="x"))
    server.fail_next(1, status=503)
    server.replies.append(Reply(200, body=[{"not": "an event"}]))
    assert get(server, SEARCH)[0] == 503
    status, _, data = get(server, SEARCH)
    assert (status, json.loads(data)) == (200, [{"not": "an event"}])
    assert [r.response for r in server.received[-2:]] == [None, None]  # scripted: not recorded
    assert ids(read(server, SEARCH)) == ["x"]


def test_rejected_posts_store_nothing_to_read(server: EventsServer) -> None:
    server.reject_event = lambda e: e["id"] == "bad"
    post(server, [event(id="good"), event(id="bad")])
    assert read(server, SEARCH) == []


# ----------------------------------------------------------------------------------------
# targets without a workspace segment: GET /v1/workspace/events/targets
# ----------------------------------------------------------------------------------------

ALL_TARGETS = "/v1/workspace/events/targets"


def test_workspace_less_targets_are_those_of_every_workspace(server: EventsServer) -> None:
    store(server, event(id="a1", generate_gen_lock_id="t-a", created_at=at(10)))
    store(
        server,
        event(id="b1", generate_gen_lock_id="t-b", created_at=at(20), workspace_id="ws-2"),
        workspace="ws-2",
    )
    store(server, event(id="none", created_at=at(30)))  # no target
    found = read(server, ALL_TARGETS)
    assert [(t["id"], t["last_event_id"]) for t in found] == [("t-b", "b1"), ("t-a", "a1")]
    # The workspace paths still see only their own.
    assert [t["id"] for t in read(server, TARGETS)] == ["t-a"]
    # The `server` fixture checks every answer against openapi.yaml after the test.


@pytest.mark.no_contract_check  # sends invalid queries on purpose
def test_workspace_less_targets_filter_by_last_event(server: EventsServer) -> None:
    store(server, event(id="old", generate_gen_lock_id="t-old", created_at=at(10)))
    store(server, event(id="new", generate_gen_lock_id="t-new", created_at=at(30)), workspace="w")
    query = "?after_last_event_created_at=2024-11-21T06%3A00%3A20Z"
    assert [t["id"] for t in read(server, ALL_TARGETS + query)] == ["t-new"]
    status, _, data = get(server, ALL_TARGETS + "?after_last_event_created_at=yesterday")
    assert status == 400 and b"after_last_event_created_at" in data
    status, _, data = get(server, ALL_TARGETS + "?workspace_id=w")
    assert status == 400 and b"unknown query parameter" in data


def test_the_same_target_in_two_workspaces_is_two_targets(server: EventsServer) -> None:
    store(server, event(id="x1", generate_gen_lock_id="t", created_at=at(10)))
    store(server, event(id="y1", generate_gen_lock_id="t", created_at=at(20)), workspace="ws-2")
    found = read(server, ALL_TARGETS)
    assert [(t["id"], t["last_event_id"]) for t in found] == [("t", "y1"), ("t", "x1")]


def test_a_workspace_identifier_sees_only_its_workspace(server: EventsServer) -> None:
    store(server, event(id="a1", generate_gen_lock_id="t-a"))
    store(server, event(id="b1", generate_gen_lock_id="t-b"), workspace="ws-2")
    headers = {"x-api-key": KEY, "x-workspace-identifier": "ws-2"}
    assert [t["id"] for t in read(server, ALL_TARGETS, headers)] == ["t-b"]
    headers = {"x-api-key": KEY, "x-workspace-identifier": "nobody"}
    assert read(server, ALL_TARGETS, headers) == []


@pytest.mark.no_contract_check
def test_workspace_less_targets_need_the_key(server: EventsServer) -> None:
    status, _, data = get(server, ALL_TARGETS, {"x-api-key": "wrong"})
    assert status == 401 and b"invalid API key" in data
    assert post(server, path=ALL_TARGETS)[0] == 405


def test_workspace_less_targets_with_no_key_configured_see_all() -> None:
    with EventsServer() as open_server:
        store(open_server, event(id="a1", generate_gen_lock_id="t-a"))
        store(open_server, event(id="b1", generate_gen_lock_id="t-b"), workspace="ws-2")
        found = read(open_server, ALL_TARGETS, {"x-api-key": "anything"})
        assert sorted(t["id"] for t in found) == ["t-a", "t-b"]
        rec = open_server.received[-1]
        assert rec.workspace_id is None and rec.path == ALL_TARGETS
