"""Pure rendering helpers (planqa.ui_render) and the launch arguments; no server, no browser."""
import doctest
from dataclasses import dataclass

import pytest

from planqa import ui_kb_render as K
from planqa import ui_render as R
from planqa.corpus.loaders import LoadError
from planqa.rag.service import IngestReport
from planqa.types import DocMeta

ROW = "专栏1“十四五”时期经济社会发展主要指标｜商品销售总额累计（亿元）｜2020：7.5｜2025：46｜属性：预期性"
ANSWER = {
    "id": None, "question": "新河街道商品销售总额目标？", "refused": False, "notices": ["LLM 服务不可用；已改用离线抽取式回答"],
    "answer": "商品销售总额累计：2025年46亿元[1]。到2025年限上商品销售额超46亿元[2]。",
    "citations": [
        {"n": 1, "source": "xinhe.txt", "title": "新河街道国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
         "headings": ["二、发展目标", "专栏1"], "start_line": 100, "end_line": 108, "quote": ROW},
        {"n": 2, "source": "xinhe.txt", "title": "新河街道规划", "headings": ["(五)2025年发展目标"],
         "start_line": 230, "end_line": 230, "quote": "到2025年,限上商品销售额超46亿元。"},
    ],
    "passages": [
        {"rank": 1, "kind": "table_row", "text": ROW, "source": "xinhe.txt", "title": "t", "headings": [],
         "start_line": 100, "end_line": 108, "score": 1.0},
        {"rank": 2, "kind": "text", "text": "加强文化建设。到2025年,限上商品销售额超46亿元。<script>x</script>",
         "source": "xinhe.txt", "title": "t", "headings": [], "start_line": 230, "end_line": 230, "score": 0.5},
    ],
    "timings_ms": {},
}


def test_docstring_examples():
    from planqa import ui_brief_render, ui_viewer

    for module in (R, K, ui_viewer, ui_brief_render):
        assert doctest.testmod(module).failed == 0


def test_highlight_marks_the_quote_across_whitespace_and_escapes_html():
    out = R.highlight("前文。目标\n46 亿元。<b>后文</b>", "目标46亿元。")
    assert out == "前文。<mark>目标\n46 亿元。</mark>&lt;b&gt;后文&lt;/b&gt;"
    assert R.highlight("<i>", "") == "&lt;i&gt;"


def test_sources_panel_shows_title_path_lines_and_marked_quote():
    panel = R.render_sources(ANSWER, active=2)
    assert panel.count('class="pq-card') == 2
    assert 'pq-card pq-active" id="pq-src-2"' in panel
    assert "第100–108行" in panel and "第230行" in panel and "二、发展目标 › 专栏1" in panel
    assert '<tr class="pq-hit"><td>商品销售总额累计（亿元）</td><td>7.5</td><td>46</td>' in panel
    assert "<mark>到2025年,限上商品销售额超46亿元。</mark>" in panel
    assert "<script>" not in panel and "&lt;script&gt;" in panel


def test_sources_panel_shows_a_context_passage_cited_beyond_the_retrieved_ones():
    context = {"rank": 3, "kind": "text", "text": "——民生福祉不断增进。围绕目标持续用力。", "source": "xinhe.txt",
               "title": "t", "headings": ["第一节 主要目标"], "start_line": 150, "end_line": 150, "score": 0.0}
    answer = {**ANSWER, "answer": "产业结构持续优化[1]；民生福祉不断增进[3]。", "context_passages": [context],
              "citations": [ANSWER["citations"][0],
                            {"n": 3, "source": "xinhe.txt", "title": "t", "headings": ["第一节 主要目标"],
                             "start_line": 150, "end_line": 150, "quote": "——民生福祉不断增进。"}]}
    panel = R.render_sources(answer, active=3)
    assert 'id="pq-src-3"' in panel and "<mark>——民生福祉不断增进。</mark>" in panel and "第150行" in panel


def test_sources_panel_states():
    assert "提问后" in R.render_sources(None)
    assert 'id="pq-src-1"' in R.render_sources(ANSWER, active=99) and "pq-active" in R.render_sources(ANSWER, 99)
    refused = {**ANSWER, "refused": True, "citations": []}
    assert "没有可引用的依据" in R.render_sources(refused)
    assert "没有检索到任何段落" in R.render_sources({**refused, "passages": []})
    assert "问题是空的" in R.render_sources({"error": "问题是空的"})


def test_chat_message_has_markers_notices_and_compact_sources():
    msg = R.render_chat_message(ANSWER)
    assert msg.startswith("商品销售总额累计") and "[1]" in msg
    assert "> 提示：LLM 服务不可用" in msg
    assert "- [[1]](#pq-cite-1) 新河街道“十四五”规划纲要 › 专栏1（xinhe.txt，第100–108行）" in msg  # [n] opens the viewer
    refused = R.render_chat_message({**ANSWER, "refused": True, "citations": [], "answer": "文档中没有找到相关内容。"})
    assert refused.startswith("**未找到依据**") and "来源" not in refused
    assert "无法回答" in R.render_chat_message({"question": "q", "error": "问题太长"})
    assert [m["role"] for m in R.chat_messages([ANSWER, ANSWER])] == ["user", "assistant"] * 2
    assert R.marker_choices(ANSWER) == [("[1]", "[1]"), ("[2]", "[2]")] and R.marker_number("[2]") == 2
    assert R.marker_number("x") is None and R.marker_choices(None) == []


def test_conversation_markdown_export():
    md = R.conversation_markdown([ANSWER, {"question": "空", "error": "问题是空的"}], "2024-01-01 10:00")
    assert md.startswith("# planqa 问答记录")
    assert "## 问题 1：新河街道商品销售总额目标？" in md and "## 问题 2：空" in md
    assert ("[1] 新河街道国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要 › 二、发展目标 › 专栏1"
            "（xinhe.txt，第100–108行）") in md
    assert "  > “到2025年,限上商品销售额超46亿元。”" in md and "无法回答：问题是空的" in md


@dataclass
class Rec:
    doc_id: str
    source: str
    meta: DocMeta
    chunks: int
    tables: int = 0


def test_kb_rows_and_labels():
    recs = [Rec("b", "b.txt", DocMeta("乙", "天津市静海区", "区", "政府工作报告", "2021年", "", "2021-01-20"), 57),
            Rec("a", "a.txt", DocMeta("甲", "天津市滨海新区新河街道", "街道", "五年规划纲要", "", "", "2021-08-27"), 103)]
    assert K.kb_rows(recs, {"a": 12}) == [
        ["甲", "新河街道", "五年规划纲要", "2021-08-27", 103, 12, "a.txt"],  # sorted by place
        ["乙", "静海区", "政府工作报告", "2021-01-20", 57, 0, "b.txt"]]
    assert len(K.KB_HEADERS) == 7
    assert R.doc_label("甲", "天津市滨海新区新河街道", "五年规划纲要") == "新河街道 五年规划纲要"


def test_doc_chunks_view_groups_table_rows():
    @dataclass
    class C:
        kind: str
        text: str
        start_line: int = 1
        end_line: int = 2
        headings: tuple = ("第一章",)

    rows = [C("table_row", "表1｜甲（亿元）｜2020：1｜2025：2"), C("table_row", "表1｜乙｜2020：3｜2025：4")]
    out = K.render_doc_chunks([C("text", "正文<一>")] + rows)
    assert out.count("<table") == 1 and out.count("<tr>") == 3
    assert "正文&lt;一&gt;" in out and "1 个正文片段、2 个重建的表格行" in out
    assert "没有片段" in K.render_doc_chunks([])


@pytest.mark.parametrize("name, want", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\x\\报告.DOCX", "报告.docx"),
    ("a b;rm -rf.md", "a_b_rm_-rf.md"),
    ("..", "upload"),
    ("\x00\n.txt", "upload.txt"),
])
def test_upload_names_are_sanitised(name, want):
    got = K.safe_upload_name(name)
    assert got == want and "/" not in got and "\\" not in got and not got.startswith(".")


def test_upload_checks_speak_chinese():
    mb = 1024 * 1024
    assert K.check_uploads([("a.txt", 10)], 20, 10) == []
    assert K.check_uploads([], 20, 10) == ["请先选择要上传的文件"]
    problems = K.check_uploads([("a.exe", 10), ("b.pdf", 21 * mb), ("c.md", 0)] + [("d.txt", 1)] * 9, 20, 10)
    assert problems[0] == "一次最多上传 10 个文件（本次 12 个）"
    assert any("a.exe：不支持的文件类型 .exe" in p for p in problems)
    assert any("b.pdf：文件过大（21.0 MB，上限 20 MB）" in p for p in problems)
    assert any("c.md：文件是空的" in p for p in problems)


def test_ingest_report_uses_the_users_file_names():
    report = IngestReport(added=["测试镇_规划.txt"], skipped=[LoadError("/tmp/x/scan.txt", "是二进制文件，不是文本")],
                          chunks=514, documents=6)
    out = K.render_ingest_report(report, {"测试镇 规划.txt": "测试镇_规划.txt"})
    assert "**已入库**：测试镇 规划.txt" in out and "**未入库** scan.txt：是二进制文件" in out
    assert "新文档已可提问" in out
    unchanged = K.render_ingest_report(IngestReport(skipped=[LoadError("t/a.txt", "坏")], chunks=1, documents=1))
    assert "知识库未改变" in unchanged


def test_ingest_report_leaves_out_the_parsers_own_words():
    skipped = [LoadError("/tmp/x/坏.docx", "不是有效的 Word 文档 (BadZipFile: File is not a zip file)")]
    out = K.render_ingest_report(IngestReport(skipped=skipped, chunks=1, documents=1))
    assert "**未入库** 坏.docx：不是有效的 Word 文档" in out and "BadZipFile" not in out


def test_launch_kwargs_loopback_port_and_login(monkeypatch):
    ui = pytest.importorskip("planqa.ui")
    from planqa.config import ConfigError, Settings

    for name in ("GRADIO_SERVER_PORT", "PLANQA_APP_USER", "PLANQA_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    kw = ui.launch_kwargs(Settings())
    assert kw["server_name"] == "127.0.0.1" and kw["server_port"] == 7860 and kw["auth"] is None
    assert kw["max_file_size"] == 20 * 1024 * 1024
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7999")
    assert ui.launch_kwargs(Settings())["server_port"] == 7999
    assert ui.launch_kwargs(Settings(), host="0.0.0.0", port=8001)["server_port"] == 8001
    monkeypatch.setenv("GRADIO_SERVER_PORT", "abc")
    with pytest.raises(ConfigError, match="GRADIO_SERVER_PORT"):
        ui.launch_kwargs(Settings())
    monkeypatch.delenv("GRADIO_SERVER_PORT")
    monkeypatch.setenv("PLANQA_APP_USER", "admin")
    with pytest.raises(ConfigError, match="PLANQA_APP_PASSWORD"):
        ui.launch_kwargs(Settings())
    monkeypatch.setenv("PLANQA_APP_PASSWORD", "s3cret")
    assert ui.launch_kwargs(Settings())["auth"] == ("admin", "s3cret")


def test_building_the_app_does_no_work():
    ui = pytest.importorskip("planqa.ui")

    class Untouchable:
        settings = __import__("planqa.config", fromlist=["Settings"]).Settings()

        def __getattr__(self, name):
            raise AssertionError(f"build_app touched assistant.{name}")

    called = []
    demo = ui.build_app(Untouchable(), extra_tabs=[lambda: called.append("bare"), lambda a: called.append(a)])
    assert called[0] == "bare" and isinstance(called[1], Untouchable)
    assert "ask" in {d.api_name for d in demo.fns.values()}


def test_citations_are_numbered_from_one_on_the_page():
    third = {"question": "q", "answer": "目标46亿元[3]。", "refused": False,
             "citations": [{**ANSWER["citations"][0], "n": 3}], "passages": ANSWER["passages"] * 3}
    msg = R.render_chat_message(third)
    assert "[[1]](#pq-cite-3)" in msg and "[3]" not in msg.replace("#pq-cite-3", "")
    panel = R.render_sources(third)
    assert 'id="pq-src-3"' in panel and ">[1]</a>" in panel and ">[3]<" not in panel
    assert R.marker_choices(third) == [("[1]", "[3]")]
    assert "目标46亿元[1]。" in R.conversation_markdown([third]) and "- [1] " in R.conversation_markdown([third])
