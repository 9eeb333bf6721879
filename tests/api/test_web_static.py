"""Black-box tests of the web app served by the binary: /, /app/..., /docs (SPEC §5).

Nothing here depends on the app's content: asset names are read from index.html."""
import gzip
import re
from urllib.parse import urljoin

import pytest
import requests

from conftest import assert_problem

IMMUTABLE = "public, max-age=31536000, immutable"
PAGE_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


def get(api, path, **headers):
    return requests.get(api.server.url + path, headers=headers, allow_redirects=False, timeout=30)


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_page_headers(response):
    d = csp_directives(response)
    assert d["default-src"] == ["'self'"], d
    scripts = d.get("script-src", d["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, d
    assert all(s.startswith("'") for s in scripts), f"scripts from elsewhere: {scripts}"
    assert d["frame-ancestors"] == ["'none'"], d
    assert d["object-src"] == ["'none'"], d
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def referenced(html, base="/app/"):
    """Same-origin paths of the page's <script src> and <link href>; fails on any other origin."""
    refs = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', html)
    for ref in refs:
        assert not re.match(r"^(https?:)?//", ref), f"the page loads {ref} from elsewhere"
    return [urljoin(base, ref) for ref in refs]


def hashed_assets(api):
    index = get(api, "/app/")
    assert index.status_code == 200
    assets = [p for p in referenced(index.text) if p.startswith("/app/assets/")]
    assert assets, f"index.html references no /app/assets/ file:\n{index.text}"
    return assets


def script_asset(api):
    scripts = [p for p in hashed_assets(api) if p.endswith(".js")]
    assert scripts, "index.html loads no script from /app/assets/"
    return scripts[0]


@pytest.mark.parametrize("path", ["/", "/app"])
def test_root_and_app_redirect_to_the_app(api, path):
    r = get(api, path)
    assert r.status_code == 302, r.text
    assert r.headers["Location"] == "/app/"
    assert_page_headers(r)
    follow = requests.get(api.server.url + path, timeout=30)
    assert follow.status_code == 200 and follow.url == api.server.url + "/app/"


def test_redirect_keeps_the_query(api):
    assert get(api, "/app?x=1").headers["Location"] == "/app/?x=1"


def test_app_html(api):
    r = get(api, "/app/")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<html" in r.text.lower()
    assert r.headers["Cache-Control"] == "no-cache"
    assert re.fullmatch(r'"[^"]+"', r.headers["ETag"]), r.headers["ETag"]  # strong
    assert "Accept-Encoding" in r.headers["Vary"]
    assert r.headers.get("X-Request-Id")
    assert_page_headers(r)


@pytest.mark.parametrize("path", ["/app/runs", "/app/users/12", "/app/report", "/app/account", "/app/runs/?page=2"])
def test_client_side_routes_get_the_app(api, path):
    index = get(api, "/app/")
    r = get(api, path)
    assert r.status_code == 200, r.text
    assert r.text == index.text
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.headers["Cache-Control"] == "no-cache"
    assert_page_headers(r)


def test_every_file_the_pages_load_is_served(api):
    for page in ("/app/", "/docs"):
        for path in referenced(get(api, page).text):
            r = get(api, path)
            assert r.status_code == 200, f"{page} loads {path}: {r.status_code}"
            assert not r.headers["Content-Type"].startswith("text/html"), f"{path} fell back to index.html"


@pytest.mark.parametrize("path", ["/app/assets/missing-0000.js", "/app/assets/", "/app/assets/x/y.css"])
def test_missing_asset_is_404(api, path):
    r = get(api, path)
    assert_problem(r, 404)
    assert_page_headers(r)


@pytest.mark.parametrize("path", ["/apps", "/index.html", "/assets/x.js", "/docs/", "/favicon.ico"])
def test_outside_app_is_404(api, path):
    assert_problem(get(api, path), 404)


def test_hashed_asset_is_immutable_and_gzipped(api):
    path = script_asset(api)
    plain = get(api, path, **{"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert plain.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert plain.headers["Cache-Control"] == IMMUTABLE
    assert "Content-Encoding" not in plain.headers
    assert int(plain.headers["Content-Length"]) == len(plain.content)
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert_page_headers(plain)

    zipped = requests.get(api.server.url + path, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=30)
    raw = zipped.raw.read(decode_content=False)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Cache-Control"] == IMMUTABLE
    assert raw[:2] == b"\x1f\x8b" and len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content
    assert zipped.headers["ETag"] != plain.headers["ETag"]  # strong tags differ per encoding


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_etag_and_if_none_match(api, encoding):
    for path in (script_asset(api), "/app/", "/app/runs", "/docs"):
        first = get(api, path, **{"Accept-Encoding": encoding})
        etag = first.headers["ETag"]
        again = get(api, path, **{"Accept-Encoding": encoding, "If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
        weak = get(api, path, **{"Accept-Encoding": encoding, "If-None-Match": f'"other", W/{etag}'})
        assert weak.status_code == 304, path
        changed = get(api, path, **{"Accept-Encoding": encoding, "If-None-Match": '"something-else"'})
        assert changed.status_code == 200 and changed.content == first.content


def test_docs_page(api):
    r = get(api, "/docs")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.text != get(api, "/app/").text
    assert_page_headers(r)


def test_unhashed_root_files_are_not_immutable(api):
    for path in referenced(get(api, "/app/").text):
        if not path.startswith("/app/assets/"):
            assert get(api, path).headers["Cache-Control"] == "no-cache", path


@pytest.mark.parametrize("path", ["/app/", "/app/users/12", "/docs", "/", "ASSET"])
def test_head_has_the_get_headers_without_body(api, path):
    if path == "ASSET":
        path = script_asset(api)
    for encoding in ("identity", "gzip"):
        h = {"Accept-Encoding": encoding}
        got = get(api, path, **h)
        head = requests.head(api.server.url + path, headers=h, allow_redirects=False, timeout=30)
        assert head.status_code == got.status_code
        assert head.content == b""
        for name in ("Content-Type", "Content-Length", "ETag", "Cache-Control", "Content-Encoding", "Location",
                     *PAGE_HEADERS):
            assert head.headers.get(name) == got.headers.get(name), name


def test_head_then_get_on_one_connection(api):
    """A HEAD answer must not carry a body, or the next answer on the connection is garbage."""
    with requests.Session() as s:
        for _ in range(3):
            assert s.head(api.server.url + "/app/", timeout=30).status_code == 200
            assert s.get(api.server.url + "/healthz", timeout=30).json() == {"status": "ok"}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_pages_are_read_only(api, method):
    for path in ("/", "/app/", "/app/runs", "/docs"):
        r = requests.request(method, api.server.url + path, timeout=30)
        assert_problem(r, 405)
        assert r.headers["Allow"] == "GET, HEAD"


def test_pages_need_no_credentials_and_ignore_bad_ones(api):
    r = get(api, "/app/", Authorization="Bearer not-a-token")
    assert r.status_code == 200
