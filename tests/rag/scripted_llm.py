"""A scripted OpenAI-compatible chat server on 127.0.0.1 for tests: real HTTP, real SSE streaming.

The script decides what each request gets: a good cited answer (built from the
passages in the prompt), a citation to a passage that was not given, a number
that is not in its passage, HTTP 500, a stall past the client's timeout, or a
malformed stream.
"""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _passages(prompt: str) -> dict[int, str]:
    body = prompt.split("<<<", 1)[1].split(">>>", 1)[0]
    out, current = {}, None
    for line in body.split("\n"):
        m = re.match(r"^\[(\d+)\] ", line)
        if m:
            current = int(m.group(1))
            out[current] = ""
        elif current is not None:
            out[current] += line
    return out


def good_answer(prompt: str, needle: str) -> str:
    """Cite the first passage containing ``needle``."""
    for n, text in _passages(prompt).items():
        if needle in text:
            return f"根据资料，该指标的目标为{needle}[{n}]。"
    return "文档中没有找到相关内容。"


class ScriptedLLM:
    def __init__(self):
        self.mode = "good"
        self.needle = "45"
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def reply(self, prompt: str) -> str:
        if self.mode == "bad_citation":
            return f"该指标的目标为{self.needle}[42]。"
        if self.mode == "bad_number":
            return "该指标的目标为99%[1]。"
        if self.mode == "mixed":
            return good_answer(prompt, self.needle) + "另外还要达到777万人[1]。"
        return good_answer(prompt, self.needle)

    def _handler(self):
        script = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                req = json.loads(self.rfile.read(length) or b"{}")
                script.requests.append(req)
                if script.mode == "http500":
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "internal error"}}')
                    return
                if script.mode == "echo401":  # some gateways repeat the request's header in their error
                    body = json.dumps({"error": {"message": "invalid key in header Authorization: "
                                                 + self.headers.get("Authorization", "")}})
                    self.send_response(401)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body.encode())
                    return
                if script.mode == "slow":
                    time.sleep(3)
                prompt = "\n".join(m["content"] for m in req.get("messages", []) if m["role"] == "user")
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                if script.mode == "malformed":
                    self.wfile.write(b"data: {this is not json\n\n")
                    self.wfile.flush()
                    return
                text = script.reply(prompt)
                for i in range(0, len(text), 4):
                    chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": req.get("model"),
                             "choices": [{"index": 0, "delta": {"content": text[i:i + 4]}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                done = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": req.get("model"),
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

        return Handler
