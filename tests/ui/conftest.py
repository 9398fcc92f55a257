"""One app server for all UI tests: the bundled corpus indexed once in a temp dir, served on loopback."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.conftest import make_settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory):
    """(url, assistant): the real app, launched in-process with its warm-up, closed at the end."""
    pytest.importorskip("gradio")
    from planqa import ui
    from planqa.rag.service import Assistant

    settings = make_settings(tmp_path_factory.mktemp("ui-kb"))
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
