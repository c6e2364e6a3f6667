"""A wheel built from the repository works from an unrelated folder, bundled data included.

The repository's files (tracked and not ignored, as a fresh clone of this
working tree would have them) are copied to a temporary folder and built
with `pip wheel --no-deps`; the wheel is installed without an index in a
fresh virtual environment that sees this environment's packages (so
TensorFlow and Keras are not downloaded again, and a dependency outside
mmzoo's bounds fails the install). Everything then runs from another
temporary folder, and imports the mmzoo of the wheel, not this checkout.
`mmzoo demo --quick` is left out (minutes); run it by hand from such an
environment.
"""

import os
import pathlib
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile

import pytest

import mmzoo
from mmzoo import data as bundled

pytestmark = pytest.mark.slow

ROOT = pathlib.Path(__file__).resolve().parents[1]
SMOKE = pathlib.Path(__file__).with_name("installed_smoke.py")


def _run(command, cwd, timeout=900):
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    process = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                             timeout=timeout)
    assert process.returncode == 0, f"{command} failed:\n{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
    return process


def _copy_repository(destination):
    """Copies the files a clone of this working tree holds (git's tracked and unignored files)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout of mmzoo")
    listing = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT).stdout
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Builds the wheel and installs it in a fresh venv; returns (wheel, venv bin folder, site-packages, work dir)."""
    base = tmp_path_factory.mktemp("wheel")
    source = _copy_repository(base / "source")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", source, "-w", base / "dist"], cwd=base)
    (wheel,) = (base / "dist").glob("mmzoo-*.whl")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", venv], cwd=base)
    bin_folder = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_folder / "python"
    purelib = pathlib.Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                cwd=base).stdout.strip())
    # Run from inside a virtual environment, `--system-site-packages` shows the base interpreter's
    # packages, not this environment's: list this environment's site-packages too.
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    (purelib / "_mmzoo_test_parent_site.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    _run([python, "-m", "pip", "install", "--no-index", "--no-cache-dir", wheel], cwd=base)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return wheel, bin_folder, purelib, elsewhere


def test_the_wheel_holds_the_package_data_and_the_version(installed):
    wheel, _, _, _ = installed
    assert wheel.name.startswith(f"mmzoo-{mmzoo.__version__}-")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for name in bundled.FILES:
        assert f"mmzoo/data/{name}" in names
    assert not [name for name in names if name.startswith(("data/", "tests/", "bench/"))]


def test_mmzoo_of_the_wheel_is_imported_and_answers(installed):
    _, bin_folder, purelib, elsewhere = installed
    where = _run([bin_folder / "python", "-c", "import mmzoo, importlib.metadata as m; "
                  "print(mmzoo.__file__); print(mmzoo.__version__, m.version('mmzoo'))"], cwd=elsewhere).stdout
    file, versions = where.strip().splitlines()
    assert pathlib.Path(file).is_relative_to(purelib), file
    assert versions == f"{mmzoo.__version__} {mmzoo.__version__}"
    assert _run([bin_folder / "mmzoo", "--version"], cwd=elsewhere).stdout == f"mmzoo {mmzoo.__version__}\n"
    listing = _run([bin_folder / "mmzoo", "list"], cwd=elsewhere).stdout
    assert "concat" in listing and "tensor" in listing


def test_bundled_data_noise_fusions_readme_example_and_command_from_the_wheel(installed):
    _, bin_folder, purelib, elsewhere = installed
    script = shutil.copy(SMOKE, elsewhere / SMOKE.name)
    readme = shutil.copy(ROOT / "README.md", elsewhere / "README.md")
    output = _run([bin_folder / "python", script, "--readme", readme, "--cli", "--out", elsewhere / "smoke"],
                  cwd=elsewhere, timeout=1800).stdout
    assert f'"file": "{purelib / "mmzoo" / "__init__.py"}"' in output
    for line in ("av_mnist test split: 5000 pairs", "background_noise at level 0.5", "fusion gmu:",
                 "README ten-line example at 1 epoch", "train, evaluate, export: ok", "smoke passed"):
        assert line in output, output
