"""The documents in docs/ against the binary: a setting or a link that drifts fails here."""
import re
import subprocess
import sys

from conftest import BINARY, ROOT

DOCS = ROOT / "docs"


def settings_from_help():
    """(env, flag) pairs from `jogtrack --help`, e.g. ("JOGTRACK_LISTEN", "--listen")."""
    out = subprocess.run([str(BINARY), "--help"], capture_output=True, text=True, timeout=30, check=True).stdout
    # CLI11 wraps a long flag's help onto the next line: join continuation lines first.
    out = re.sub(r"\n\s{20,}(?!-)", " ", out)
    pairs = re.findall(r"^\s+(--[a-z0-9-]+)\b.*\[(JOGTRACK_[A-Z0-9_]+)\]", out, re.MULTILINE)
    return {env: flag for flag, env in pairs}


def configuration_rows():
    """env -> flag from the table in docs/configuration.md."""
    text = (DOCS / "configuration.md").read_text()
    return dict(re.findall(r"^\| `(JOGTRACK_[A-Z0-9_]+)` \| `(--[a-z0-9-]+)` \|", text, re.MULTILINE))


def test_every_setting_is_documented_with_its_flag():
    in_binary = settings_from_help()
    assert len(in_binary) >= 15, "could not read the settings from --help"
    documented = configuration_rows()
    missing = sorted(set(in_binary) - set(documented))
    assert not missing, f"settings missing from docs/configuration.md: {missing}"
    stale = sorted(set(documented) - set(in_binary))
    assert not stale, f"docs/configuration.md documents settings the binary does not have: {stale}"
    wrong_flag = {env: (documented[env], flag) for env, flag in in_binary.items() if documented[env] != flag}
    assert not wrong_flag, f"flags differ (docs, binary): {wrong_flag}"


def test_repository_links_resolve():
    # Relative links in the README and docs/ must point at files in the repository
    # (a clone has nothing outside it).
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if re.match(r"^[a-z]+:", target) or target.startswith("/"):
                continue  # absolute URLs and server paths (/docs, /app/) are not files
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert not broken, f"broken links: {broken}"


def test_openapi_document_is_what_the_generator_writes():
    # data/openapi.json and data/problems.html are written by scripts/gen-openapi.py: an edit by
    # hand would be lost at the next generation, and the two would drift apart.
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen-openapi.py"), "--check"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
