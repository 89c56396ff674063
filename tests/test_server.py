"""The language server end to end: a real LSP client session (pytest-lsp) with the
server in a subprocess over stdio, as an editor runs it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import List, Sequence

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.test_fix_cli import BAD, GOOD

SERVER = [sys.executable, "-m", "flake8_keras_build", "server"]
TIMEOUT = 30


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def diagnostics_for(client: LanguageClient, uri: str) -> Sequence[types.Diagnostic]:
    """The next diagnostics published for ``uri``."""
    while True:
        params = await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT
        )
        if params.uri == uri:
            return list(params.diagnostics)


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply LSP text edits (ASCII text: UTF-16 columns are characters)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: types.Position) -> int:
        return offsets[min(position.line, len(lines))] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=text
            )
        )
    )
    return uri


def change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def code_actions(
    client: LanguageClient, uri: str, line: int, diagnostics: Sequence[types.Diagnostic]
) -> List[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=line, character=0),
                end=types.Position(line=line, character=0),
            ),
            context=types.CodeActionContext(diagnostics=list(diagnostics)),
        )
    )
    return [action for action in result or [] if isinstance(action, types.CodeAction)]


@pytest.mark.asyncio
async def test_buffer_diagnostics_quick_fix_and_clean(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "layer.py"
    path.write_text(GOOD)  # the disk is clean: only the buffer has the bug
    uri = open_document(client, path, BAD)
    diagnostics = await diagnostics_for(client, uri)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("KLB101", 8)]
    found = diagnostics[0]
    assert found.severity == types.DiagnosticSeverity.Warning
    assert found.code_description is not None
    assert found.code_description.href.endswith("/KLB101.md")
    assert found.source == "flake8-keras-build"

    actions = await code_actions(client, uri, 8, diagnostics)
    titles = [action.title for action in actions]
    assert titles[0].startswith("Fix KLB101"), titles
    assert "Fix all KLB findings in this file" in titles
    edit = actions[0].edit
    assert edit is not None and edit.changes is not None
    fixed = apply(BAD, edit.changes[uri])
    assert fixed == GOOD

    change(client, uri, fixed, 2)
    assert await diagnostics_for(client, uri) == []


@pytest.mark.asyncio
async def test_change_close_and_unparsable_buffer(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "layer.py", GOOD)
    assert await diagnostics_for(client, uri) == []
    change(client, uri, BAD, 2)
    assert [d.code for d in await diagnostics_for(client, uri)] == ["KLB101"]
    # Half-typed code that does not parse clears the findings instead of keeping them.
    change(client, uri, BAD + "\ndef broken(:\n", 3)
    assert await diagnostics_for(client, uri) == []
    change(client, uri, BAD, 4)
    assert [d.code for d in await diagnostics_for(client, uri)] == ["KLB101"]
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert await diagnostics_for(client, uri) == []


@pytest.mark.asyncio
async def test_settings_are_read_again_when_the_config_changes(
    client: LanguageClient, tmp_path: Path
) -> None:
    two_findings = BAD.replace("        super().build(input_shape)\n", "")
    uri = open_document(client, tmp_path / "layer.py", two_findings)
    assert sorted(d.code for d in await diagnostics_for(client, uri)) == ["KLB101", "KLB105"]
    config = tmp_path / "setup.cfg"
    config.write_text("[flake8]\nextend-ignore = KLB105\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    assert [d.code for d in await diagnostics_for(client, uri)] == ["KLB101"]
    # pyproject.toml's table wins over the flake8 file; no notice this time: the
    # next lint sees the new file by its stamp.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8-keras-build]\nextend-ignore = ["KLB101"]\n'
    )
    change(client, uri, two_findings + "\n", 2)
    assert [d.code for d in await diagnostics_for(client, uri)] == ["KLB105"]


@pytest.mark.asyncio
async def test_noqa_and_a_bad_config_value_are_handled(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "setup.cfg").write_text("[flake8]\nkeras-version = 4\n")
    silenced = BAD.replace(
        "def __call__(self, inputs):", "def __call__(self, inputs):  # noqa: KLB101"
    )
    uri = open_document(client, tmp_path / "layer.py", silenced)
    assert await diagnostics_for(client, uri) == []
    messages = [m.message for m in client.log_messages]
    assert any("keras-version" in message for message in messages), messages
    change(client, uri, BAD, 2)
    assert [d.code for d in await diagnostics_for(client, uri)] == ["KLB101"]


@pytest.mark.asyncio
async def test_an_internal_error_is_logged_and_the_server_keeps_serving(
    client: LanguageClient, tmp_path: Path
) -> None:
    # A code action for a file the editor never opened and that is not on disk:
    # reading it fails inside the server.
    missing = (tmp_path / "missing.py").as_uri()
    assert await code_actions(client, missing, 0, []) == []
    assert any("code actions failed" in m.message for m in client.log_messages)
    uri = open_document(client, tmp_path / "layer.py", BAD)
    assert [d.code for d in await diagnostics_for(client, uri)] == ["KLB101"]


def test_without_the_server_extra_the_command_says_what_to_install() -> None:
    import subprocess

    blocked = (
        "import sys; sys.modules['pygls'] = None\n"
        "from flake8_keras_build.__main__ import main\n"
        "sys.exit(main(['server']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert "pip install 'flake8-keras-build[server]'" in result.stderr


@pytest.mark.asyncio
async def test_per_file_ignores_are_read_from_the_config_files_folder(
    client: LanguageClient, tmp_path: Path
) -> None:
    # A pattern with a folder: the server's current directory is elsewhere, so it
    # reads the pattern from the config file's folder.
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\nper-file-ignores =\n    sub/ignored.py: KLB101\n"
    )
    ignored = open_document(client, tmp_path / "sub" / "ignored.py", BAD)
    assert await diagnostics_for(client, ignored) == []
    other = open_document(client, tmp_path / "sub" / "other.py", BAD)
    assert [d.code for d in await diagnostics_for(client, other)] == ["KLB101"]
