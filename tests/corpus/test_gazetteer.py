"""The gazetteer: divisions from jionlp's data, short forms, hierarchy, reading a chain off a title."""
from planqa.corpus.gazetteer import Division, Gazetteer, gazetteer, parse_location_lines, short_forms, unit_suffix

ROWS = ["北京市\t110000\t北京", "\t北京市\t110000\t北京", "\t\t海淀区\t110108\t海淀", "\t\t\t海淀街道",
        "江西省\t360000\t江西", "\t宜春市\t360900\t宜春", "\t\t万载县\t360922\t万载", "\t\t\t高城镇", "\t\t\t\t某村",
        "湖北省\t420000\t湖北", "\t省直辖行政区划\t429000\t省直辖", "\t\t仙桃市\t429004\t仙桃",
        "吉林省\t220000\t吉林", "\t长春市\t220100\t长春", "\t\t朝阳区\t220104\t朝阳",
        "\t\t朝阳区\t110105\t朝阳"]


def small() -> Gazetteer:
    return Gazetteer(parse_location_lines(ROWS))


def test_municipality_and_direct_counties_have_no_extra_level():
    divs = {d.name: d for d in parse_location_lines(ROWS[:4] + ROWS[9:12])}
    assert divs["海淀区"].parents == ("北京市",) and divs["海淀街道"].parents == ("北京市", "海淀区")
    assert divs["仙桃市"].parents == ("湖北省",) and "省直辖行政区划" not in divs


def test_villages_and_blank_lines_are_skipped():
    assert [d.name for d in parse_location_lines(["", "\t\t\t\t某村", "江西省\t1\t江西"])] == ["江西省"]
    assert parse_location_lines([]) == []


def test_short_forms_and_levels():
    assert short_forms("海滨街道", 3) == ["海滨街道", "海滨街"]
    assert short_forms("宜春市", 1, "宜春") == ["宜春市", "宜春"]
    assert short_forms("万载县", 2, "万") == ["万载县"]  # a one-character alias is no name
    assert unit_suffix("") == "" and unit_suffix("区") == "" and unit_suffix("巴音郭楞蒙古自治州") == "自治州"
    assert Division("高城镇", "", 3).chain == "高城镇"


def test_hierarchy():
    g = small()
    assert g.within("万载县", "宜春市") and g.within("高城镇", "江西省") and not g.within("宜春市", "万载县")
    assert not g.within("数据专区", "北京市") and not g.within("", "")
    assert [t.name for t in g.towns_of(g.lookup("万载县")[0])] == ["高城镇"]


def test_read_chain_resolves_repeated_names_by_the_unit_before():
    g = small()
    assert [d.chain for d in g.read_chain("吉林省长春市朝阳区")] == ["吉林省", "吉林省长春市", "吉林省长春市朝阳区"]
    assert [d.name for d in g.read_chain("北京数据专区")] == ["北京市"]  # 数据专区 is no unit of it
    assert g.read_chain("") == [] and g.read_chain("甲") == []
    assert [d.name for d in g.read_chain("江西省宜春市万载县高城镇2022年")] == ["江西省", "宜春市", "万载县", "高城镇"]


def test_national_data_is_loaded_once():
    g = gazetteer()
    assert g is gazetteer()
    assert g.within("万载县", "宜春市") and g.within("康乐街道", "万载县")
    assert g.knows("海淀区") and not g.knows("数据专区") and not g.knows("消费集聚区")
