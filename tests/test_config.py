"""The one settings loader: flake8 files and pyproject.toml, validated alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from flake8_keras_build.config import load_settings, settings_from_values
from flake8_keras_build.settings import Settings, SettingsError


def test_defaults_without_any_file(tmp_path: Path) -> None:
    settings, used = load_settings(tmp_path, {})
    assert settings == Settings() and used == ()


def test_flake8_file_is_found_upwards_as_flake8_does(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_text("[tox]\nenv = x\n")  # no [flake8]: not the one
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\nmax-line-length = 100\nkeras-version = 2\n"
        "keras_layer_bases = pkg.Base,\n    pkg.more.*\nkeras-no-cross-module = true\n"
    )
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    settings, used = load_settings(deep, {})
    assert settings == Settings("2", ("pkg.Base", "pkg.more.*"), cross_module=False)
    assert used == ((tmp_path / "setup.cfg").resolve(),)


def test_pyproject_wins_over_flake8_file_and_command_line_over_both(tmp_path: Path) -> None:
    (tmp_path / ".flake8").write_text("[flake8]\nkeras-version = 2\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8-keras-build]\nkeras-version = "3"\nkeras-layer-bases = ["a.B", "c.*"]\n'
    )
    settings, used = load_settings(tmp_path, {})
    assert settings.keras_version == "3" and settings.layer_bases == ("a.B", "c.*")
    assert len(used) == 2
    settings, _ = load_settings(tmp_path, {"keras-version": "auto", "keras-layer-bases": None})
    assert settings.keras_version == "auto" and settings.layer_bases == ("a.B", "c.*")


@pytest.mark.parametrize(
    "table, message",
    [
        ('keras-version = "4"', "--keras-version must be one of"),
        ('keras-layer-bases = "not a name!"', "--keras-layer-bases takes"),
        ('keras-no-cross-module = "maybe"', "takes true or false"),
        ("selekt = 1", "unknown option 'selekt'"),
        ("select = 1", "--select takes a comma-separated list"),
        ('extend-select = "KLB1x"', "is not an error code"),
        ('per-file-ignores = "x.py"', "--per-file-ignores takes"),
    ],
)
def test_bad_pyproject_values_name_the_file(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.flake8-keras-build]\n{table}\n")
    with pytest.raises(SettingsError) as error:
        load_settings(tmp_path, {})
    assert message in str(error.value) and "pyproject.toml" in str(error.value)


def test_broken_pyproject_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.flake8-keras-build\n")
    with pytest.raises(SettingsError, match="cannot be read"):
        load_settings(tmp_path, {})


def test_values_mean_the_same_from_every_front_end() -> None:
    assert settings_from_values({"keras_version": "3"}) == Settings("3")
    assert settings_from_values({"keras-no-cross-module": "yes"}).cross_module is False
    assert settings_from_values({"keras-no-cross-module": False}).cross_module is True
    assert settings_from_values({"unrelated": 1}) == Settings()
