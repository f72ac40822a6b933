"""The README's run command works on the bundled sample case."""

from __future__ import annotations

from orthoplan.kernels import demo


def test_demo_runs_on_the_bundled_case(capsys):
    demo.main(["--backend", "cpu"])
    out = capsys.readouterr().out
    assert "prepared 14 crowns" in out
    assert "schedule simultaneous:" in out and "schedule alternating:" in out


def test_the_readme_main_command_plans_the_sample_case(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from orthoplan.client.cli import main

    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["demo"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "orthoplan-demo" / "plan.json").is_file() and "aligners" in res.output
