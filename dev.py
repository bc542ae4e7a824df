"""Set up and run the platform on a fresh machine with nothing but Python 3.11.

    python3.11 dev.py run     # virtualenv, requirements, database, demo data; serves :8000
    python3.11 dev.py test    # virtualenv, test requirements, translations; runs the test suite

Both are safe to run again: the virtualenv is reused and requirements are reinstalled only when
a requirements file changed. Extra arguments after `test` go to pytest.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("VIRTUAL_ENV_DIR", ROOT / ".venv"))
PYTHON = VENV / "bin" / "python"
BROWSER_PACKAGES = ["chromium", "fonts-noto-cjk"]


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*args: str | Path, env: dict | None = None) -> None:
    subprocess.run([str(arg) for arg in args], cwd=ROOT, check=True, env=env)


def ensure_python() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(
            f"Python 3.11 is required (this is {sys.version.split()[0]}): run python3.11 dev.py"
        )


def ensure_virtualenv(requirements: str) -> None:
    """Create .venv and install `requirements` unless the same file was installed before."""
    if not PYTHON.exists():
        say(f"creating the virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    digest = hashlib.sha256()
    for name in ("requirements.txt", requirements):
        digest.update((ROOT / name).read_bytes())
    stamp = VENV / f".installed-{Path(requirements).stem}-{digest.hexdigest()[:16]}"
    if stamp.exists():
        return
    say(f"installing {requirements}")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", requirements)
    for old in VENV.glob(f".installed-{Path(requirements).stem}-*"):
        old.unlink()
    stamp.touch()


def manage(*args: str, env: dict | None = None) -> None:
    run(PYTHON, "manage.py", *args, env=env)


def ensure_browser() -> None:
    """The browser tests drive Debian's Chromium; install it where we are allowed to."""
    if Path("/usr/bin/chromium").exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Chromium and CJK fonts for the browser tests (apt-get)")
        run("apt-get", "update", "-qq")
        quiet_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "install", "-y", "-qq", *BROWSER_PACKAGES, env=quiet_env)
    else:
        say(
            "Chromium is not installed (sudo apt-get install chromium fonts-noto-cjk): "
            "the browser tests will be skipped"
        )


def command_run(extra: list[str]) -> None:
    ensure_virtualenv("requirements.txt")
    say("migrations, taxonomy, translations, static files and demo data")
    manage("setup")
    address = extra[0] if extra else "127.0.0.1:8000"
    say(f"serving on http://{address}/ (Ctrl+C to stop)")
    manage("runserver", address)


def command_test(extra: list[str]) -> None:
    ensure_virtualenv("requirements-dev.txt")
    ensure_browser()
    manage("compiletranslations", "--verbosity", "0")
    say("running the tests")
    result = subprocess.run([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT)
    sys.exit(result.returncode)


COMMANDS = {"run": command_run, "test": command_test}


def main() -> None:
    ensure_python()
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
