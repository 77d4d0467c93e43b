"""The HTML report: every figure present, self-contained (no external URLs), CLI and errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tokadapt.cli import main
from tokadapt.errors import InputFileError, OutputExistsError
from tokadapt.report import build_report

FIGURES = ("fertility", "provenance", "collisions", "init-strategy", "training", "barrier")
URL_ATTR = re.compile(r"""\b(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?!#)([^"'\s>]+)""", re.I)


@pytest.fixture(scope="module")
def report(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("report")
    build_report([run_dir], out / "report.html", figures_dir=out / "figs")
    return (out / "report.html").read_text(encoding="utf-8"), out


def test_every_figure_is_inline_svg(report: tuple[str, Path]) -> None:
    text, _ = report
    names = re.findall(r'data-figure="([^"]+)"', text)
    assert sorted(names) == sorted(FIGURES)
    assert text.count("<svg") == len(FIGURES)


def test_no_external_urls_scripts_or_remote_css(report: tuple[str, Path]) -> None:
    text, _ = report
    assert URL_ATTR.findall(text) == []  # only in-page anchors (#...)
    assert "<script" not in text and "@import" not in text
    assert re.findall(r"url\(\s*['\"]?(?!#)", text) == []  # only url(#clip-path) references


def test_tables_show_deltas_against_the_first_result(run_dir: Path, tmp_path: Path) -> None:
    runs = [run_dir / "ret-before.json", run_dir / "ret-after.json", run_dir / "bli.json"]
    text = build_report(runs, tmp_path / "r.html").path.read_text(encoding="utf-8")
    assert text.count('<span class="up">+30.0</span>') == 6  # 2 directions x top-1/5/10
    assert "bli|src:en|tgt:ru = P@1 40.00" in text


def test_figures_exported_as_png_and_svg(report: tuple[str, Path]) -> None:
    from matplotlib.image import imread

    figs = report[1] / "figs"
    assert sorted(p.stem for p in figs.glob("*.png")) == sorted(FIGURES)
    assert sorted(p.stem for p in figs.glob("*.svg")) == sorted(FIGURES)
    assert all(imread(p).std() > 0.01 for p in figs.glob("*.png"))


def test_cli_json_summary(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(run_dir / "aligned"), "-o", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["figures"] == ["training"] and Path(summary["output"]) == out


def test_existing_report_needs_overwrite(run_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "r.html").write_text("keep")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        build_report([run_dir / "bli.json"], tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text() == "keep"


def test_missing_run_and_empty_run_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="does not exist"):
        build_report([tmp_path / "nope"], tmp_path / "r.html")
    with pytest.raises(InputFileError, match="found no tokadapt artifacts"):
        build_report([tmp_path], tmp_path / "r.html")


def test_percent_results_are_not_rescaled(run_dir: Path, tmp_path: Path) -> None:
    acc = {"top1": 70.0, "top5": 80.0, "top10": 90.0}  # what `tokadapt retrieval -o` writes
    new = {"src->tgt": acc, "tgt->src": acc, "sentences": 50, "unit": "percent"}
    (tmp_path / "ret-new.json").write_text(json.dumps(new))
    runs = [run_dir / "ret-before.json", tmp_path / "ret-new.json"]
    text = build_report(runs, tmp_path / "r.html").path.read_text(encoding="utf-8")
    assert text.count('70.0 <span class="up">+30.0</span>') == 2
