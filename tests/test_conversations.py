"""Saved conversations in SQLite (planqa.conversations)."""
import pytest

from planqa.conversations import ConversationError, ConversationStore, default_title, new_id

Q1 = {"question": "新河街道“十四五”期间商品销售总额累计目标是多少？", "answer": "46亿元 [1]"}
Q2 = {"question": "塘沽街道呢？", "question_used": "塘沽街道“十四五”期间商品销售总额累计目标是多少？"}


@pytest.fixture()
def store(tmp_path):
    return ConversationStore(tmp_path / "data" / "conversations.sqlite3")


def test_save_list_get_survive_a_new_store(store):
    cid = new_id()
    store.save("alice", cid, [Q1])
    store.save("alice", cid, [Q1, Q2])
    again = ConversationStore(store.path)  # another process, or the app restarted
    [c] = again.list("alice")
    assert c.id == cid and c.title == Q1["question"]
    assert again.get("alice", cid).turns == (Q1, Q2)


def test_owners_do_not_see_each_other(store):
    cid = new_id()
    store.save("alice", cid, [Q1])
    assert store.list("bob") == [] and store.get("bob", cid) is None
    assert not store.delete("bob", cid) and store.get("alice", cid) is not None
    with pytest.raises(ConversationError):
        store.rename("bob", cid, "x")


def test_rename_delete_and_order(store):
    a, b = new_id(), new_id()
    store.save("u", a, [Q1])
    store.save("u", b, [Q2])
    assert [c.id for c in store.list("u")] == [b, a]
    store.rename("u", a, "  我的  问题 ")
    store.save("u", a, [Q1, Q2])  # a rename outlives later turns
    assert [(c.id, c.title) for c in store.list("u")] == [(a, "我的 问题"), (b, Q2["question"])]
    with pytest.raises(ConversationError, match="空"):
        store.rename("u", a, "   ")
    assert store.delete("u", a) and [c.id for c in store.list("u")] == [b]


def test_titles():
    assert default_title([]) == "新对话"
    assert default_title([{"question": "问" * 100}]).endswith("…") and len(default_title([{"question": "问" * 100}])) == 40


def test_an_unusable_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "conversations.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(ConversationError, match="对话记录"):
        ConversationStore(bad).list("u")
