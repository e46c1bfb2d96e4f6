"""Deployment and monitoring shown by platform configuration rather than by code."""

from __future__ import annotations

from pathlib import Path

from portfolio_check.scan import scan_repo

GRADIO_APP = 'import gradio as gr\n\ndemo = gr.Interface(fn=str.upper, inputs="text", outputs="text")\ndemo.launch()\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_a_hugging_face_space_readme_is_a_deployment(tmp_path: Path) -> None:
    readme = "---\ntitle: Shouty\nemoji: 📣\nsdk: gradio\napp_file: app.py\n---\n\n# Shouty\n"
    result = scan_repo(write(tmp_path, {"README.md": readme, "app.py": GRADIO_APP}))
    serving = result.finding("serving")
    assert serving.status == "strong"
    assert ("README.md", 1) in [(loc.path, loc.line) for loc in serving.locations]


def test_sdk_in_prose_is_not_a_space_configuration(tmp_path: Path) -> None:
    readme = "# Shouty\n\nWe may move to another sdk: gradio is fine for now.\n"
    result = scan_repo(write(tmp_path, {"README.md": readme, "app.py": GRADIO_APP}))
    assert result.finding("serving").status == "weak"  # a local UI app, nowhere deployed


def test_a_compose_file_running_prometheus_and_grafana_is_a_monitoring_stack(tmp_path: Path) -> None:
    compose = ("services:\n  api:\n    build: .\n  prometheus:\n    image: prom/prometheus:v2.53.0\n"
               "  grafana:\n    image: grafana/grafana:11.0.0\n")
    result = scan_repo(write(tmp_path, {"docker-compose.yml": compose, "app.py": "print('hi')\n"}))
    monitoring = result.finding("monitoring")
    assert monitoring.status == "strong"
    assert monitoring.locations[0].path == "docker-compose.yml"
