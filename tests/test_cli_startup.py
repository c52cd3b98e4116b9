"""Start-up and consistency of the command line: lazy imports, --version, help texts, one
convention for lists of depths, one JSON shape for kernel."""
import argparse
import json
import os
import subprocess
import sys

import pytest

from proofs_checks import cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY = ("sympy", "scipy", "rich.table", "sklearn")

PROBE = r"""
import sys
from proofs_checks import cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
heavy = %r
loaded = sorted(m for m in sys.modules if m in heavy or m.startswith(("proofs_checks.doc0", "proofs_checks.doc1")))
print("LOADED", " ".join(loaded), file=sys.stderr)
""" % (HEAVY,)


def _loaded(*argv):
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ROOT}, timeout=120)
    line = [x for x in proc.stderr.splitlines() if x.startswith("LOADED")][-1]
    return proc, line.split()[1:]


def test_help_imports_no_heavy_module_and_no_document_module():
    proc, loaded = _loaded("--help")
    assert "kernel" in proc.stdout and "check" in proc.stdout
    assert loaded == []


def test_small_kernel_call_imports_no_heavy_module():
    proc, loaded = _loaded("kernel", "--rho", "0.5", "--depth", "10", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)[0]["layers"][0]["depth"] == 10
    assert loaded == []


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("ntk-verify ")


def _subparsers():
    parser = cli.build_parser()
    sub = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)][0]
    return sub


def test_every_option_has_a_help_text_without_rst_markup():
    sub = _subparsers()
    for a in sub._choices_actions:
        assert a.help and "``" not in a.help, a.dest
    for name, p in sub.choices.items():
        assert "``" not in (p.description or "") + (p.epilog or ""), name
        for action in p._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help and "``" not in action.help, (name, action.option_strings or action.dest)


@pytest.mark.parametrize("command, dest, spellings", [
    ("kernel", "depth", ["--depth", "--depths"]),
    ("limit", "depths", ["--depth", "--depths"]),
    ("deep-narrow", "depth", ["--depth", "--depths"]),
])
def test_depths_one_convention(command, dest, spellings):
    parser = _subparsers().choices[command]
    base = ["--rho", "0.5"] if command == "kernel" else []
    for flag in spellings:
        ns = parser.parse_args(base + [flag, "10", "100", "1e4"])
        assert getattr(ns, dest) == ["10", "100", "1e4"]
        ns = parser.parse_args(base + [flag, "10", flag, "100", "1e4"])  # repeats add up
        assert getattr(ns, dest) == ["10", "100", "1e4"]
    if command != "kernel":  # a given list replaces the default, it is not appended to it
        assert getattr(parser.parse_args(["--depth", "7"]), dest) == ["7"]
        assert len(getattr(parser.parse_args([]), dest)) == 4


def test_kernel_json_is_a_list_for_one_and_for_several_rho():
    def run(*rhos):
        proc = subprocess.run([sys.executable, "-m", "proofs_checks.cli", "kernel", "--rho", *rhos, "--depth", "3",
                               "--backend", "float64", "--json"], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": ROOT}, timeout=120, check=True)
        return json.loads(proc.stdout)

    one, two = run("0.5"), run("0.5", "0.9")
    assert isinstance(one, list) and isinstance(two, list) and len(one) == 1 and len(two) == 2
    assert one[0].keys() == two[1].keys() and [t["rho"] for t in two] == ["0.5", "0.9"]


def test_heartbeat_prints_periodic_lines_on_a_non_terminal():
    import io
    import time

    from proofs_checks.progress import heartbeat

    stream = io.StringIO()  # not a terminal
    with heartbeat("ntk-verify test", every=0.05, stream=stream):
        time.sleep(0.3)
    lines = stream.getvalue().splitlines()
    assert len(lines) >= 2 and all(line.startswith("ntk-verify test: running, ") for line in lines)
    after = len(stream.getvalue())
    time.sleep(0.15)
    assert len(stream.getvalue()) == after  # stopped with the block


def test_heartbeat_is_silent_on_a_terminal_and_when_disabled(monkeypatch):
    import io
    import time

    from proofs_checks.progress import heartbeat

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    with heartbeat("x", every=0.02, stream=tty):
        time.sleep(0.1)
    monkeypatch.setenv("NTK_VERIFY_PROGRESS", "0")
    plain = io.StringIO()
    with heartbeat("x", every=0.02, stream=plain):
        time.sleep(0.1)
    assert tty.getvalue() == "" and plain.getvalue() == ""
