"""The import arrows of DESIGN.md ("Which app may import which") hold.

The rules themselves live in `.importlinter` at the project root, so that `lint-imports` on the
command line, `make lint`, CI and this test all check the same contracts.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = ROOT / ".importlinter"
# Run import-linter's own command line in a child process: it builds its import graph from the
# files on disk and configures logging, and neither should leak into the test process.
LINT_IMPORTS = [
    sys.executable,
    "-c",
    "from importlinter.cli import lint_imports_command; lint_imports_command()",
    "--no-cache",
    "--no-logo",
]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        LINT_IMPORTS, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def root_packages(config: Path) -> set[str]:
    from importlinter.api import read_configuration

    options = read_configuration(str(config))["session_options"]
    names = options.get("root_packages") or [options["root_package"]]
    return set(names)


def test_apps_import_only_along_the_design_arrows():
    result = lint_imports(ROOT)
    assert result.returncode == 0, f"import contracts broken:\n{result.stdout}\n{result.stderr}"
    assert "0 broken" in result.stdout


def test_every_app_of_ours_is_under_contract():
    """A new app added to INSTALLED_APPS must be added to `.importlinter` (and to DESIGN.md)."""
    ours = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT)
        and not Path(config.path).is_relative_to(ROOT / ".venv")
    }
    assert ours, "no project apps found in INSTALLED_APPS"
    assert root_packages(CONFIG) == ours


def test_a_forbidden_import_breaks_the_contracts(tmp_path):
    """Negative control: the same contracts, on empty apps where chat imports events, fail."""
    for name in root_packages(CONFIG):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "events" / "__init__.py").write_text("VALUE = 1\n")
    (tmp_path / "chat" / "__init__.py").write_text("from events import VALUE  # noqa\n")
    shutil.copy(CONFIG, tmp_path / ".importlinter")

    result = lint_imports(tmp_path)

    assert result.returncode != 0, result.stdout
    assert "chat imports only accounts BROKEN" in result.stdout
    assert "chat -> events" in result.stdout
