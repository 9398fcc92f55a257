"""Document kinds from the 公文 vocabulary, periods, 文号, and the kinds a question names."""
import pytest

from planqa.corpus.kinds import bare_title, doc_kind, doc_number, forwarded_titles, is_kind, kinds_asked, title_period


@pytest.mark.parametrize("title,kind", [
    ("宜春市2022年国民经济和社会发展统计公报", "统计公报"),
    ("关于某市2022年国民经济和社会发展计划执行情况与2023年计划草案的报告", "计划执行情况报告"),
    ("天津市静海区2021年政府工作报告", "政府工作报告"),
    ("某县乡镇安全生产工作考核办法（试行）", "考评办法"),
    ("公共数据专区授权运营管理暂行办法", "办法"),
    ("某市物业管理条例", "条例"),
    ("关于加快培育消费集聚区的指导意见", "指导意见"),
    ("数字产业集群培育行动计划（2023—2025年）", "行动计划"),
    ("老旧小区改造实施方案", "方案"),
    ("促进数字经济高质量发展若干政策措施", "政策措施"),
    ("关于印发《某某管理办法》的通知", "办法"),
    ("关于做好春节期间安全工作的通知", "通知"),
    ("会议纪要", ""), ("", ""), ("办", ""),
])
def test_doc_kind(title, kind):
    assert doc_kind(title) == kind


def test_periods():
    assert title_period("行动计划（2023－2025年）") == "2023—2025"
    assert title_period("第十四个五年规划和二〇三五年远景目标纲要") == "2021—2025"
    assert title_period("２０２２年统计公报") == "2022年"  # full-width digits
    assert title_period("") == "" and title_period("2023年度考评办法") == "2023年"


def test_doc_numbers():
    assert doc_number("包府办发〔2022〕43号") == "包府办发〔2022〕43号"
    assert doc_number("发文字号：京政办发〔2023〕18号") == "京政办发〔2023〕18号"
    assert doc_number("宜府发 〔2023〕 9号") == "宜府发〔2023〕9号"
    assert doc_number("") == "" and doc_number("2023年5月8日") == "" and doc_number("第43号") == ""


def test_titles_and_kinds_asked():
    assert bare_title("停车管理办法（暂行）（修订）") == "停车管理办法" and bare_title("") == ""
    assert forwarded_titles("关于印发甲市若干政策措施的通知") == ["甲市若干政策措施"] and forwarded_titles("通知") == []
    assert kinds_asked("宜春市的消费指导意见") >= {"指导意见"} and kinds_asked("") == set()
    assert is_kind("考评办法", {"办法"}) and not is_kind("", {"办法"}) and not is_kind("办法", set())
