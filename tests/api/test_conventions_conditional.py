"""Conditional requests (SPEC §6, issue 12 item 3): strong ETags, If-None-Match -> 304, If-Match -> 412.

The ETag of a run or a user is its row version; If-Match is checked inside the write
transaction, so two clients that read the same version cannot both write.
"""
import concurrent.futures
import threading

import pytest

from conftest import Client, assert_problem
from test_runs import run_body

PRECONDITION_FAILED = "/docs/problems#precondition-failed"


def new_run(api, user, **kw):
    r = api.post("/results", token=user, json=run_body(**kw))
    assert r.status_code == 201, r.text
    return r.json()


def etag_of(r):
    tag = r.headers.get("ETag")
    assert tag and tag.startswith('"') and tag.endswith('"'), r.headers  # strong: no W/
    return tag


@pytest.mark.parametrize("kind", ["run", "user", "me"])
def test_etag_and_if_none_match(api, kind):
    user = api.new_user()
    path = {"run": lambda: f"/results/{new_run(api, user)['result_id']}",
            "user": lambda: f"/users/{user.user_id}", "me": lambda: "/auth/me"}[kind]()
    r = api.get(path, token=user)
    assert r.status_code == 200
    tag = etag_of(r)
    again = api.get(path, token=user)
    assert etag_of(again) == tag  # stable while nothing changes

    for method in ("GET", "HEAD"):
        nm = api.request(method, path, token=user, headers={"If-None-Match": tag})
        assert nm.status_code == 304, nm.text
        assert nm.content == b""
        assert nm.headers["ETag"] == tag
        # If sent, a 304's Content-Length is the 200's (RFC 9110 §8.6), never a bogus 0.
        assert nm.headers.get("Content-Length", str(len(r.content))) == str(len(r.content))
    # A list that contains it, or a weak form of it, matches too (weak comparison).
    assert api.get(path, token=user, headers={"If-None-Match": f'"other", W/{tag}'}).status_code == 304
    assert api.get(path, token=user, headers={"If-None-Match": '"other"'}).status_code == 200


def test_etag_changes_when_the_run_changes(api):
    user = api.new_user()
    run = new_run(api, user)
    path = f"/results/{run['result_id']}"
    tag = etag_of(api.get(path, token=user))
    patched = api.patch(path, token=user, json={"distance": 6000})
    assert patched.status_code == 200
    new_tag = etag_of(patched)
    assert new_tag != tag
    assert etag_of(api.get(path, token=user)) == new_tag
    r = api.get(path, token=user, headers={"If-None-Match": tag})
    assert r.status_code == 200 and r.json()["distance"] == 6000


def test_etag_changes_when_the_user_changes(api):
    user = api.new_user()
    path = f"/users/{user.user_id}"
    tag = etag_of(api.get(path, token=user))
    assert api.patch(path, token=user, json={"name": "Renamed"}).status_code == 204
    assert etag_of(api.get(path, token=user)) != tag
    assert etag_of(api.get("/auth/me", token=user)) != tag


def test_if_match_on_runs(api):
    user = api.new_user()
    run = new_run(api, user)
    path = f"/results/{run['result_id']}"
    tag = etag_of(api.get(path, token=user))
    ok = api.patch(path, token=user, json={"distance": 6000}, headers={"If-Match": tag})
    assert ok.status_code == 200, ok.text
    stale = api.patch(path, token=user, json={"distance": 7000}, headers={"If-Match": tag})
    body = assert_problem(stale, 412)
    assert body["type"] == PRECONDITION_FAILED
    assert api.get(path, token=user).json()["distance"] == 6000  # nothing written
    # An empty patch with a stale tag is still refused; "*" and a list with the current tag pass.
    assert api.patch(path, token=user, json={}, headers={"If-Match": tag}).status_code == 412
    current = etag_of(api.get(path, token=user))
    assert api.patch(path, token=user, json={"time": 1600}, headers={"If-Match": "*"}).status_code == 200
    current = etag_of(api.get(path, token=user))
    assert api.patch(path, token=user, json={"time": 1700},
                     headers={"If-Match": f'"nope", {current}'}).status_code == 200
    # Weak tags never match If-Match (strong comparison).
    current = etag_of(api.get(path, token=user))
    assert api.patch(path, token=user, json={"time": 1800}, headers={"If-Match": f"W/{current}"}).status_code == 412

    assert_problem(api.delete(path, token=user, headers={"If-Match": tag}), 412)
    assert api.get(path, token=user).status_code == 200
    assert api.delete(path, token=user, headers={"If-Match": current}).status_code == 204
    assert api.get(path, token=user).status_code == 404


def test_if_match_on_users(api):
    user = api.new_user()
    path = f"/users/{user.user_id}"
    tag = etag_of(api.get(path, token=user))
    assert api.patch(path, token=user, json={"name": "A"}, headers={"If-Match": tag}).status_code == 204
    body = assert_problem(api.patch(path, token=user, json={"name": "B"}, headers={"If-Match": tag}), 412)
    assert body["type"] == PRECONDITION_FAILED
    assert api.get(path, token=user).json()["name"] == "A"
    assert_problem(api.delete(path, token=user, headers={"If-Match": tag}), 412)
    current = etag_of(api.get(path, token=user))
    assert api.delete(path, token=user, headers={"If-Match": current}).status_code == 204


def test_if_match_does_not_reveal_other_peoples_runs(api):
    owner, other = api.new_user(), api.new_user()
    run = new_run(api, owner)
    r = api.patch(f"/results/{run['result_id']}", token=other, json={"distance": 1}, headers={"If-Match": '"v1"'})
    assert_problem(r, 404)


def race(server, user, path, tag, bodies):
    """Sends one PATCH per body at once, each from its own client with If-Match: tag."""
    barrier = threading.Barrier(len(bodies))

    def patch(body):
        client = Client(server)
        barrier.wait()
        return client.patch(path, token=user, json=body, headers={"If-Match": tag})

    with concurrent.futures.ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(patch, bodies))


def test_lost_update_race_on_a_run(api, server):
    user = api.new_user()
    for round_ in range(5):
        run = new_run(api, user)
        path = f"/results/{run['result_id']}"
        tag = etag_of(api.get(path, token=user))
        results = race(server, user, path, tag, [{"distance": 1000 + round_}, {"time": 9000 + round_}])
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200, 412], [r.text for r in results]
        winner = next(r for r in results if r.status_code == 200).json()
        final = api.get(path, token=user).json()
        # The loser's change is not there, and the winner's is.
        assert (final["distance"], final["time"]) == (winner["distance"], winner["time"])
        assert (final["distance"] == 1000 + round_) != (final["time"] == 9000 + round_)


def test_lost_update_race_on_a_user(api, server):
    user = api.new_user()
    path = f"/users/{user.user_id}"
    for round_ in range(5):
        tag = etag_of(api.get(path, token=user))
        results = race(server, user, path, tag, [{"name": f"first{round_}"}, {"email": f"x{round_}@example.com"}])
        assert sorted(r.status_code for r in results) == [204, 412], [r.text for r in results]
        final = api.get(path, token=user).json()
        assert (final["name"] == f"first{round_}") != (final["email"] == f"x{round_}@example.com")
