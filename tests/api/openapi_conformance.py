"""Checks live responses against the OpenAPI document: status, headers, body (and, for accepted
requests, that the document allows what was sent). Used by test_openapi_conformance.py and, with
JOGTRACK_OPENAPI_CONFORMANCE=1, by conftest.py over every Client request of the whole API suite.
"""
import json
import re
from datetime import date
from urllib.parse import parse_qsl, urlparse

import jsonschema

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _is_date(value):
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("not YYYY-MM-DD")
    date.fromisoformat(value)
    return True


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value):
    if isinstance(value, str) and not re.fullmatch(
            r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})", value):
        raise ValueError("not an RFC 3339 date-time")
    return True


def inline_refs(node, doc):
    """The node with every local $ref replaced by its target (the document has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return inline_refs(target, doc)
        return {k: inline_refs(v, doc) for k, v in node.items()}
    if isinstance(node, list):
        return [inline_refs(v, doc) for v in node]
    return node


class Conformance:
    def __init__(self, doc, known_paths_only=False):
        """known_paths_only: ignore paths the document does not describe (the web app's pages)."""
        self.known_paths_only = known_paths_only
        self.doc = inline_refs(doc, doc)
        # Literal segments win over {params}: /results/reports/weekly before /results/{id}.
        self.paths = sorted(self.doc["paths"], key=lambda p: (p.count("{"), p))
        self.patterns = {p: re.compile("^" + re.sub(r"\{[^/}]+\}", "[^/]+", p) + "$") for p in self.paths}
        self.operations = {(m.upper(), p) for p, item in self.doc["paths"].items() for m in item
                           if m in ("get", "put", "post", "patch", "delete", "head", "options")}
        self.covered = set()
        self.statuses = {}
        self.requests = 0
        self.violations = []
        self.problem_types = set()
        self.all_statuses = set()

    def template(self, path):
        return next((p for p in self.paths if self.patterns[p].match(path)), None)

    def check(self, response):
        """Records one response and every way it breaks the document."""
        self.requests += 1
        self.all_statuses.add(response.status_code)
        method = response.request.method
        path = urlparse(response.request.url).path
        where = f"{method} {path} -> {response.status_code}"
        tmpl = self.template(path)
        if tmpl is None:
            if not self.known_paths_only:
                self.violations.append(f"{where}: path not in the document")
            return
        item = self.doc["paths"][tmpl]
        # HEAD is GET without the body (RFC 9110 §9.3.2): checked against the GET operation.
        head = method == "HEAD" and "get" in item
        op = item.get("get" if head else method.lower())
        if op is None:
            # A method the path lacks: any of its operations must document the 405 it gets.
            op = next(v for k, v in item.items() if k in ("get", "post", "patch", "delete", "put"))
            if response.status_code != 405:
                self.violations.append(f"{where}: undocumented method answered other than 405")
                return
        elif not head:
            self.covered.add((method, tmpl))
            self.statuses.setdefault((method, tmpl), set()).add(response.status_code)
        spec = op["responses"].get(str(response.status_code)) or op["responses"].get("default")
        if spec is None:
            self.violations.append(f"{where}: status not documented for {method} {tmpl}")
            return
        self._check_headers(where, spec, response)
        if head:
            if response.content:
                self.violations.append(f"{where}: a body in the answer to HEAD")
            return
        self._check_body(where, spec, response)
        if 200 <= response.status_code < 300 and method.lower() in item:
            self._check_request(where, item, op, response.request)

    def _check_request(self, where, item, op, request):
        """A request the server accepted must be one the document allows (it states no rule the server
        does not enforce)."""
        query = dict(parse_qsl(urlparse(request.url).query))
        for param in item.get("parameters", []) + op.get("parameters", []):
            if param["in"] != "query" or param["name"] not in query:
                continue
            value = query[param["name"]]
            if param["schema"].get("type") == "integer" and re.fullmatch(r"-?[0-9]+", value):
                value = int(value)
            for error in jsonschema.Draft202012Validator(param["schema"]).iter_errors(value):
                self.violations.append(f"{where}: accepted query {param['name']}={value!r}: {error.message}")
        schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if schema is None or not request.body:
            return
        body = json.loads(request.body)
        for error in jsonschema.Draft202012Validator(schema, format_checker=FORMATS).iter_errors(body):
            self.violations.append(f"{where}: accepted request body breaks the document: {error.message[:300]}")

    def _check_headers(self, where, spec, response):
        for name, header in spec.get("headers", {}).items():
            value = response.headers.get(name)
            if value is None:
                if header.get("required"):
                    self.violations.append(f"{where}: required header {name} missing")
                continue
            for error in jsonschema.Draft202012Validator(header["schema"], format_checker=FORMATS).iter_errors(value):
                self.violations.append(f"{where}: header {name}: {value!r}: {error.message}")

    def _check_body(self, where, spec, response):
        content = spec.get("content")
        if not content:
            if response.content:
                self.violations.append(f"{where}: a body where the document has none: {response.text[:200]!r}")
            return
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media not in content:
            self.violations.append(f"{where}: Content-Type {media!r}, documented {sorted(content)}")
            return
        schema = content[media].get("schema", {})
        if not (media.endswith("json") or media.endswith("+json")):
            if schema.get("type") == "string" and not isinstance(response.text, str):
                self.violations.append(f"{where}: body is not text")
            return
        try:
            body = response.json()
        except ValueError:
            self.violations.append(f"{where}: body is not JSON: {response.text[:200]!r}")
            return
        if media == "application/problem+json" and isinstance(body, dict) and isinstance(body.get("type"), str):
            self.problem_types.add(body["type"])
        for error in jsonschema.Draft202012Validator(schema, format_checker=FORMATS).iter_errors(body):
            location = "/".join(str(p) for p in error.absolute_path)
            self.violations.append(f"{where}: body at /{location}: {error.message[:300]}")
