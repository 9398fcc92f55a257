"""Chart labels: Chinese with a CJK font installed, English without one."""
from planqa.eval import charts


def test_labels_follow_the_installed_fonts(monkeypatch, tmp_path):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts.label("全部", "all") == "all"
    monkeypatch.setattr(charts, "cjk_font", lambda: "Noto Sans CJK SC")
    assert charts.label("全部", "all") == "全部"


def test_charts_draw_with_and_without_a_cjk_font(monkeypatch, tmp_path):
    metrics = {f"hit@{k}": 0.5 for k in charts.HIT_KS}
    real = charts.cjk_font()
    for font in {real, None}:
        monkeypatch.setattr(charts, "cjk_font", lambda font=font: font)
        path = charts.hit_curve(tmp_path / f"hit-{font}.png", metrics, [])
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        charts.latency_histograms(tmp_path / f"lat-{font}.png", {"total": [1.0, 2.0, 3.0]})
