"""One app server for all UI tests: the bundled corpus indexed once in a temp dir, served on loopback."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.ui.helpers import CHROMIUM, CHROMIUM_ARGS, open_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory, vector_cache):
    """(url, assistant): the real app, launched in-process with its warm-up, closed at the end."""
    pytest.importorskip("gradio")
    from planqa import ui
    from planqa.rag.service import Assistant

    settings = make_settings(tmp_path_factory.mktemp("ui-kb"), embed_cache_dir=vector_cache)
    assistant = Assistant(settings)
    port = free_port()
    demo = ui.launch(settings, host="127.0.0.1", port=port, assistant=assistant, block=False)
    yield f"http://127.0.0.1:{port}/", assistant
    demo.close()


@pytest.fixture(scope="session")
def client(ui_server):
    from gradio_client import Client

    return Client(ui_server[0], verbose=False)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, ui_server):
    """A fresh browser (its own local storage, so its own saved conversations) on the app."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    open_app(pg, ui_server[0])
    yield pg
    context.close()
