"""Saved conversations through the app's handlers (no browser): restore, save, open, rename, delete, clear."""
from __future__ import annotations

import pytest

from tests.conftest import make_settings

ui = pytest.importorskip("planqa.ui")
from planqa.ui.history import CANCELLED, ConversationViews, TabSequencer  # noqa: E402

TURN = {"question": "新河街道“十四五”期间商品销售总额累计目标是多少？", "answer": "46亿元 [1]",
        "citations": [{"n": 1, "title": "t", "headings": [], "source": "a.txt", "start_line": 1, "end_line": 1,
                       "quote": "q"}], "passages": [{"kind": "text", "text": "q", "title": "t", "headings": [],
                                                     "start_line": 1, "end_line": 1}]}


class Login:
    def __init__(self, name):
        self.username = name


@pytest.fixture()
def views(tmp_path):
    return ConversationViews(make_settings(tmp_path / "data"))


def test_a_new_browser_gets_an_id_and_an_empty_chat(views):
    browser, cid, turns, chat, menu, shown, marker, panel, export = views.restore("", "")
    assert len(browser) == 32 and cid == "" and turns == [] and chat == [] and shown == -1
    assert menu.choices == [] and "提问后" in panel and export.interactive is False


def test_saved_turns_come_back_after_a_restart(views, tmp_path):
    browser = views.restore("", "")[0]
    cid, menu = views.save(browser, "", [TURN])
    assert cid and menu.value == cid and TURN["question"] in menu.choices[0][0]
    again = ConversationViews(make_settings(tmp_path / "data"))  # the app restarted: same key, same store
    assert again.secret == views.secret
    _, cid2, turns, chat, menu, shown, marker, panel, export = again.restore(browser, cid)
    assert cid2 == cid and turns == [TURN] and len(chat) == 2 and shown == 0
    assert 'id="pq-src-1"' in panel and export.interactive is True


def test_other_users_see_nothing(views):
    cid = views.save("b1", "", [TURN])[0]
    assert views.restore("b2", cid)[1] == ""
    assert views.save("x", "", [TURN], Login("alice"))[0]
    assert views.menu(views.owner("x", Login("bob"))).choices == []
    assert len(views.menu(views.owner("other-browser", Login("alice"))).choices) == 1  # a login follows its user


def test_rename_and_delete(views):
    cid = views.save("b", "", [TURN])[0]
    menu, box = views.rename("b", cid, "我的对话")
    assert menu.choices[0][0].startswith("我的对话 · ") and box == ""
    assert views.delete("b", CANCELLED) == (ui.gr.skip(),) * 8  # the confirmation was cancelled
    assert views.store.get(views.owner("b", None), cid) is not None
    cid2, turns, chat, menu, shown, marker, panel, export = views.delete("b", cid)
    assert cid2 == "" and turns == [] and chat == [] and menu.choices == [] and "提问后" in panel
    assert views.restore("b", cid)[2] == []  # deleted stays deleted


def test_nothing_to_save_saves_nothing(views):
    assert views.save("b", "", []) == (ui.gr.skip(),) * 2
    assert views.store.list(views.owner("b", None)) == []


def _answer_after(gate, started):
    """A fake answer: the turns so far plus one, the output tuple shaped like the chat event's."""
    def answer(turns, cid):
        started.set()
        gate.wait(5)
        yield ["…"] + [None] * 7
        yield ("msgs", list(turns) + [{"question": f"q{len(turns)}"}], None, None, None, None, cid or "c1", None)
    return answer


def test_a_question_sent_during_an_answer_continues_from_it():
    import threading

    tabs, gate, started, out = TabSequencer(), threading.Event(), threading.Event(), {}
    first = threading.Thread(target=lambda: out.setdefault("a", list(tabs.run("tab", [], "", _answer_after(gate, started)))))
    first.start()
    started.wait(5)
    second = threading.Thread(target=lambda: out.setdefault("b", list(tabs.run("tab", [], "", _answer_after(gate, threading.Event())))))
    second.start()
    gate.set()
    first.join(5), second.join(5)
    assert [t["question"] for t in out["a"][-1][1]] == ["q0"]
    assert [t["question"] for t in out["b"][-1][1]] == ["q0", "q1"] and out["b"][-1][6] == "c1"


def test_separate_tabs_and_later_questions_are_left_alone():
    import threading

    tabs, gate = TabSequencer(), threading.Event()
    gate.set()
    list(tabs.run("tab", [], "", _answer_after(gate, threading.Event())))
    # a question sent after the answer arrived carries its own turns (e.g. a new conversation): kept as sent
    steps = list(tabs.run("tab", [], "", _answer_after(gate, threading.Event())))
    assert [t["question"] for t in steps[-1][1]] == ["q0"]
    steps = list(tabs.run(None, [{"question": "x"}], "c9", _answer_after(gate, threading.Event())))
    assert len(steps[-1][1]) == 2 and steps[-1][6] == "c9"
