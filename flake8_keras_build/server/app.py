"""The language server: pygls wiring around ``documents`` and ``project_config``.

Linting runs on one worker thread, so the event loop keeps reading messages; a
change is linted after a short quiet spell (``DEBOUNCE_SECONDS``), and a result
whose buffer changed meanwhile is dropped, not published. Every handler catches
what goes wrong, logs it to the client and keeps serving.
"""

from __future__ import annotations

import asyncio
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..check.lint_file import Report
from ..check.rule_pages import rule_page
from ..check.selection import Selector
from ..config import CheckConfig
from ..options import FileOptions, Selection
from ..settings import Settings, SettingsError
from .documents import diagnostic, fixable_codes, fixed_text, lint_buffer, text_edit
from .project_config import CONFIG_NAMES, ProjectConfigs

# Long enough to let a burst of keystrokes coalesce into one lint, short enough
# that diagnostics follow typing (the lint of a 300-line layer file takes a few ms).
DEBOUNCE_SECONDS = 0.02
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.flake8-keras-build"

T = TypeVar("T")


class KerasBuildServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("flake8-keras-build", __version__)
        self.configs = ProjectConfigs()
        self.debounce = DEBOUNCE_SECONDS
        self.open: Set[str] = set()
        self._timers: Dict[str, asyncio.TimerHandle] = {}
        self._tasks: Set[asyncio.Task[None]] = set()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="klb-lint")
        self._config_errors: Set[str] = set()

    # --- helpers ---------------------------------------------------------------

    def log(self, kind: types.MessageType, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def log_error(self, what: str) -> None:
        self.log(types.MessageType.Error, f"flake8-keras-build: {what}\n{traceback.format_exc()}")

    async def in_worker(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._worker, function, *args)

    def config_for(self, path: str) -> Tuple[CheckConfig, Selector]:
        try:
            return self.configs.for_folder(Path(path).parent)
        except SettingsError as error:
            # Said once per distinct error; the buffer is linted with the defaults.
            if str(error) not in self._config_errors:
                self._config_errors.add(str(error))
                self.log(types.MessageType.Error, f"flake8-keras-build: {error}")
            config = CheckConfig(Settings(), Selection(), FileOptions(), ())
            return config, Selector(config.selection)

    def buffer(self, uri: str) -> Tuple[str, Optional[int], str]:
        document = self.workspace.get_text_document(uri)
        return document.source, document.version, to_fs_path(uri) or uri

    def _lint(self, text: str, path: str) -> List[Report]:
        config, selector = self.config_for(path)
        return lint_buffer(text, path, config, selector)

    # --- diagnostics -----------------------------------------------------------

    async def publish(self, uri: str) -> None:
        if uri not in self.open:
            return
        try:
            text, version, path = self.buffer(uri)
            reports = await self.in_worker(self._lint, text, path)
        except Exception:  # noqa: BLE001 - the server keeps serving
            self.log_error(f"linting {uri} failed")
            reports = []
            version = None
        current = self.workspace.get_text_document(uri).version if uri in self.open else -1
        if uri not in self.open or (version is not None and current != version):
            return  # closed or changed meanwhile: the newer lint publishes
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=[diagnostic(r) for r in reports]
            )
        )

    def schedule(self, uri: str, delay: float) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(delay, self._start, uri)

    def _start(self, uri: str) -> None:
        self._timers.pop(uri, None)
        task = asyncio.ensure_future(self.publish(uri))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def relint_all(self) -> None:
        self.configs.forget()
        for uri in list(self.open):
            self.schedule(uri, 0)

    def clear(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    # --- code actions ----------------------------------------------------------

    def _actions(self, params: types.CodeActionParams) -> List[types.CodeAction]:
        uri = params.text_document.uri
        text, _, path = self.buffer(uri)
        config, selector = self.config_for(path)
        reports = lint_buffer(text, path, config, selector)
        codes = fixable_codes(path, selector)
        actions: List[types.CodeAction] = []
        first, last = params.range.start.line + 1, params.range.end.line + 1
        if _wanted(params, types.CodeActionKind.QuickFix.value):
            for report in reports:
                if not (report.fixable and report.code in codes and first <= report.line <= last):
                    continue
                fixed = fixed_text(text, path, config, [report.code], (report.line, report.col))
                if fixed is not None:
                    actions.append(
                        types.CodeAction(
                            title=f"Fix {report.code}: {rule_page(report.code).title}",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic(report)],
                            is_preferred=True,
                            edit=_edit(uri, text, fixed),
                        )
                    )
        if _wanted(params, FIX_ALL_KIND) and any(r.fixable for r in reports):
            fixed = fixed_text(text, path, config, codes)
            if fixed is not None:
                actions.append(
                    types.CodeAction(
                        title="Fix all KLB findings in this file",
                        kind=FIX_ALL_KIND,
                        edit=_edit(uri, text, fixed),
                    )
                )
        return actions

    async def code_actions(self, params: types.CodeActionParams) -> List[types.CodeAction]:
        try:
            return await self.in_worker(self._actions, params)
        except Exception:  # noqa: BLE001 - the server keeps serving
            self.log_error("computing code actions failed")
            return []


def _wanted(params: types.CodeActionParams, kind: str) -> bool:
    only = params.context.only
    if not only:
        return True
    return any(kind == str(want) or kind.startswith(f"{want}.") for want in only)


def _edit(uri: str, old: str, new: str) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: [text_edit(old, new)]})


def _is_config(uri: str) -> bool:
    return uri.rsplit("/", 1)[-1] in CONFIG_NAMES


def build_server() -> KerasBuildServer:
    server = KerasBuildServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: KerasBuildServer, params: types.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace
        dynamic = watched and watched.did_change_watched_files
        if not (dynamic and dynamic.dynamic_registration):
            return  # each lint still compares the config files' stamps
        glob = "**/{" + ",".join(CONFIG_NAMES) + "}"
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=glob)]
        )
        registration = types.Registration(
            id="flake8-keras-build-config",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception:  # noqa: BLE001 - watching is a convenience
            ls.log_error("watching the config files failed")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KerasBuildServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.open.add(params.text_document.uri)
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KerasBuildServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KerasBuildServer, params: types.DidSaveTextDocumentParams) -> None:
        if _is_config(params.text_document.uri):
            ls.relint_all()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KerasBuildServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.open.discard(params.text_document.uri)
        ls.clear(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: KerasBuildServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(_is_config(change.uri) for change in params.changes):
            ls.relint_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: KerasBuildServer, params: types.DidChangeConfigurationParams) -> None:
        ls.relint_all()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    async def code_action(
        ls: KerasBuildServer, params: types.CodeActionParams
    ) -> List[types.CodeAction]:
        return await ls.code_actions(params)

    return server
