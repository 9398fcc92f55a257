"""Gradio entry point: ``python app.py`` serves planqa; ``demo`` is the app for ``gradio app.py``.

Importing this module only builds the page layout: the knowledge base and
models load on the first page load (or at launch, which warms them up).
"""
from planqa.config import load_settings
from planqa.rag.service import Assistant
from planqa.ui import build_app, launch

settings = load_settings()
assistant = Assistant(settings)
demo = build_app(assistant)

if __name__ == "__main__":
    launch(settings, assistant=assistant)
