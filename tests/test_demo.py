"""The README's run command works on the bundled sample case."""

from __future__ import annotations

from orthoplan.kernels import demo


def test_demo_runs_on_the_bundled_case(capsys):
    demo.main(["--backend", "cpu"])
    out = capsys.readouterr().out
    assert "prepared 14 crowns" in out
    assert "schedule simultaneous:" in out and "schedule alternating:" in out
