"""The server installs: `pip install .` gives a wheel that runs outside the checkout.

One wheel is built from a copy of the checkout without its compiled catalogs (the build must
compile them), installed with its locked dependencies into a fresh venv from the wheels that
`make test` keeps in .venv/wheels (no index, no network), and run from a temporary folder:
the console script, both apps rendering Thai pages, the wordlists, and a migration to head.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from tests.tools import IN_CI

ROOT = Path(__file__).resolve().parent.parent
WHEELS = ROOT / ".venv" / "wheels"
CATALOGS = ROOT / "webcommon" / "translations"
# The server's packages (core/ is on its way); every module of each must be in the wheel.
SHIPPED = (
    "cli",
    "core",
    "crypto",
    "store",
    "webcommon",
    "source_interface",
    "journalist_interface",
)
# What the apps read at run time, as globs under each package; each file must be in the wheel.
RUNTIME_FILES = {
    "crypto": ["wordlists/*.txt"],
    "store": ["migrations/env.py", "migrations/script.py.mako", "migrations/versions/*.py"],
    "webcommon": ["templates/**/*.html", "static/**/*", "translations/*/LC_MESSAGES/*.po"],
    "source_interface": ["templates/**/*.html"],
    "journalist_interface": ["templates/**/*.html", "openapi.json"],
}
# Never in the server wheel: the workstation is its own distribution; the rest is the checkout's.
NOT_SHIPPED = ("workstation/", "tests/", "bench/", "scripts/", "manage.py", "setup.py")
# Left out of the copy the wheel is built from: the checkout's environment and build output,
# and the compiled catalogs, so that a wheel with catalogs proves the build compiled them.
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", "instance", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
    ".hypothesis", ".vagrant", "artifacts", "tests", "*.mo", "*.sqlite*", "*.db",
)  # fmt: skip

# How code finds files that only a checkout has: modules reached by editing sys.path, files
# found from the checkout's root (importlib.resources or the module's own folder instead).
CHECKOUT_ONLY = re.compile(r"sys\.path|\.parent\.parent|\.parents\[")

pytestmark = pytest.mark.slow


def test_no_shipped_module_or_bench_finds_files_through_the_checkout() -> None:
    files = [ROOT / "config.py", *(ROOT / "bench").glob("*.py")]
    files += [f for package in SHIPPED for f in (ROOT / package).glob("**/*.py")]
    offending = [
        f"{f.relative_to(ROOT)}:{n}: {line.strip()}"
        for f in files
        for n, line in enumerate(f.read_text("utf-8").splitlines(), 1)
        if CHECKOUT_ONLY.search(line)
    ]
    assert offending == []


@dataclass
class Installed:
    """The built wheel and a fresh venv, outside the checkout, that holds it."""

    wheel: Path
    venv: Path
    work: Path  # an empty folder outside the checkout: the working directory of every run

    def env(self, **extra: str) -> dict[str, str]:
        """A bare environment: the venv's tools first, nothing of the caller's."""
        return {
            "PATH": f"{self.venv / 'bin'}:/usr/bin:/bin",
            "HOME": str(self.work),
            "LANG": "C.UTF-8",
            **extra,
        }

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """Run a command of the venv from the work folder; fail with its output if it fails."""
        result = subprocess.run(
            args,
            cwd=self.work,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
        return result


def _pip(*args: str) -> None:
    # Only the wheels we name: no index, no configuration or constraints of the machine.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"pip {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    if not (WHEELS / ".complete").exists():
        message = f"no dependency wheels in {WHEELS} (make test prepares them)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    base = tmp_path_factory.mktemp("packaging")
    source, dist, venv, work = base / "src", base / "dist", base / "venv", base / "work"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    work.mkdir()
    # The build uses this environment's setuptools and Babel (both locked in dev.lock).
    _pip(
        "wheel",
        "--no-index",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        str(dist),
        str(source),
    )
    (wheel,) = dist.glob("westrong_drop-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    lock = str(ROOT / "requirements" / "main.lock")
    _pip(
        "--python",
        python,
        "install",
        "--no-index",
        "--require-hashes",
        "--find-links",
        str(WHEELS),
        "-r",
        lock,
    )
    _pip("--python", python, "install", "--no-index", "--no-deps", str(wheel))
    _pip("--python", python, "check")  # the wheel's dependencies are what the lock installed
    return Installed(wheel, venv, work)


def test_wheel_holds_every_runtime_file_and_nothing_of_the_checkout(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    expected = {"config.py"}
    for package in SHIPPED:
        for pattern in ["**/*.py", *RUNTIME_FILES.get(package, [])]:
            found = [p for p in (ROOT / package).glob(pattern) if "__pycache__" not in p.parts]
            assert found or package == "core", f"{package}/{pattern} matches nothing"
            expected |= {p.relative_to(ROOT).as_posix() for p in found if p.is_file()}
    expected |= {f"webcommon/translations/{lang}/LC_MESSAGES/messages.mo" for lang in ("th", "en")}
    assert sorted(expected - names) == []
    assert [n for n in names if n.startswith(NOT_SHIPPED)] == []
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(installed.wheel).read(entry_points).decode()
    assert "westrong = cli:main" in text


def test_console_script_runs_outside_the_checkout(installed: Installed) -> None:
    result = installed.run("westrong", "--help")
    assert "init-dev" in result.stdout
    assert "add-reviewer" in result.stdout


@pytest.fixture(scope="module")
def probe(installed: Installed) -> dict[str, Any]:
    """What the installed project finds at run time (tests/installed_probe.py)."""
    instance = installed.work / "instance"
    installed.run("westrong", "init-dev", "--instance", str(instance))
    config = str(instance / "config.toml")
    installed.run("westrong", "migrate", WESTRONG_CONFIG=config)
    script = installed.work / "probe.py"
    shutil.copyfile(ROOT / "tests" / "installed_probe.py", script)
    fresh = str(installed.work / "fresh.sqlite")
    python = str(installed.venv / "bin" / "python")
    result = installed.run(python, "-I", str(script), fresh, WESTRONG_CONFIG=config)
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_the_project_is_imported_from_the_venv(installed: Installed, probe: dict[str, Any]) -> None:
    venv = str(installed.venv)
    assert probe["prefix"] == venv
    for name, file in probe["modules"].items():
        assert file.startswith(venv + "/"), f"{name} came from {file}, not the installed wheel"


def _translated(en_page: str, th_page: str) -> list[str]:
    """The catalog's Thai strings that the Thai page shows where the English page has the
    English: found only if the installed compiled catalog was loaded."""
    with (CATALOGS / "th" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    return [
        str(m.string)
        for m in catalog
        if isinstance(m.id, str) and len(m.id) > 3 and isinstance(m.string, str) and m.string
        if m.id in en_page and m.string in th_page and m.string not in en_page
    ]


@pytest.mark.parametrize(("app", "path"), [("source", "/"), ("reviewer", "/login")])
def test_both_apps_render_thai_pages_from_the_wheel(
    probe: dict[str, Any], app: str, path: str
) -> None:
    th_status, th_page = probe[app][f"{path} th"]
    en_status, en_page = probe[app][f"{path} en"]
    assert (th_status, en_status) == (200, 200)
    assert '<html lang="th"' in th_page
    assert _translated(en_page, th_page), "the Thai page shows no string of the Thai catalog"


def test_static_files_openapi_and_wordlists_are_found(probe: dict[str, Any]) -> None:
    status, css = probe["source"]["/static/common/style.css en"]
    assert status == 200
    assert css == (ROOT / "webcommon" / "static" / "style.css").read_text("utf-8")
    status, spec = probe["reviewer"]["/api/v1/openapi.json en"]
    assert status == 200
    assert json.loads(spec)["openapi"].startswith("3.")
    assert len(probe["codenames"]["th"].split()) >= 5
    assert len(probe["codenames"]["en"].split()) >= 5


def test_a_fresh_database_migrates_to_head(probe: dict[str, Any]) -> None:
    migration = probe["migration"]
    assert migration["heads"], "no migration scripts found in the installed store package"
    assert migration["current"] == migration["heads"]
