"""The sweep command and the execution layer on a LocalCluster of 2 workers (1 thread each).

Quick-suite sizes: 3 x 3 grids at 8 digits (the 20 x 20 grid at 15 digits is in
benchmarks/bench_sweep.py); a subset of claims for check --workers; n = 200 for the blockwise Gram.
"""
import json
import logging
import os
import signal
import subprocess
import sys

import numpy
import pytest

dd = pytest.importorskip("dask.distributed")

from proofs_checks import cli, distributed  # noqa: E402
from proofs_checks import sweep_table as table  # noqa: E402
from proofs_checks.commands import sweep  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def cluster():
    with dd.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=logging.ERROR) as c:
        yield c


def _run(capsys, *argv):
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


GRID = ["--activation", "tanh", "erf", "--sigma-w", "0.9,1.7", "--sigma-b", "0.1:0.5:0.4", "--digits", "6"]


def test_serial_and_parallel_sweeps_write_the_same_table(tmp_path, capsys, cluster):
    a, b, c = (tmp_path / f"{x}.csv" for x in "abc")
    rc, out, _ = _run(capsys, "phase-diagram", *GRID, "--workers", "1", "--out", str(a), "--out", str(tmp_path / "a.jsonl"),
                      "--plot", str(tmp_path / "fig.png"))
    assert rc == 0 and "12 rows" in out  # 2 activations x (2 edge + 4 grid)
    rc, out, _ = _run(capsys, "sweep", *GRID, "--scheduler", cluster.scheduler_address, "--out", str(b))
    assert rc == 0
    assert a.read_bytes() == b.read_bytes()
    small = ["--activation", "erf", "--sigma-w", "1.7", "--sigma-b", "0.5", "--digits", "6"]
    rc, out, _ = _run(capsys, "sweep", *small, "--workers", "2", "--out", str(c))  # its own LocalCluster
    assert rc == 0
    rows = table.read_rows(str(a))
    assert table.read_rows(str(c)) == [r for r in rows if r["activation"] == "erf" and r["sigma_b"] == "0.5"
                                       and r["sigma_w"] in ("", "1.7")]
    assert len(rows) == 12 and not any(r["error"] for r in rows)
    assert {r["phase"] for r in rows if r["kind"] == "grid"} == {"ordered", "chaotic"}
    jsonl = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert [(j["activation"], j["sigma_w"], j["sigma_b"]) for j in jsonl] == [
        (r["activation"], r["sigma_w"], r["sigma_b"]) for r in rows]
    png = (tmp_path / "fig.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000

    # the edge rows are the EOC curve of 'ntk-verify eoc --curve' to their stated digits
    for act in ("tanh", "erf"):
        rc, out, _ = _run(capsys, "eoc", "--activation", act, "--curve", "0.1:0.5:0.4", "--digits", "6", "--json")
        curve = {p["sigma_b"]: p["sigma_w"] for p in json.loads(out)}
        edge = [r for r in rows if r["activation"] == act and r["kind"] == "edge"]
        assert len(edge) == 2
        for r in edge:
            ref = curve[r["sigma_b"]]
            digits = min(int(r["sigma_w_eoc_digits"]), int(ref["digits"]))
            assert digits >= 6
            diff = abs(float(r["sigma_w_eoc_mid"]) - float(ref["mid"]))
            assert diff <= float(r["sigma_w_eoc_rad"]) + float(ref["rad"]) + 1e-15
            assert r["sigma_w_eoc"].split()[0][:digits] == ref["value"].split()[0][:digits]


def _kill_once(spec):
    """Kills its own worker process the first time (marker file), then computes normally."""
    marker = spec.pop("_marker")
    if spec["sigma_w"] == "1.3" and not os.path.exists(marker):
        with open(marker, "w") as fh:
            fh.write(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    from proofs_checks.commands.sweep import compute_row

    return compute_row(spec)


def test_a_killed_worker_loses_no_row(tmp_path, cluster):
    import cloudpickle

    cloudpickle.register_pickle_by_value(__import__(__name__))  # the task travels by value
    marker = str(tmp_path / "killed")
    specs = sweep.build_specs(["erf"], ["0.9", "1.3", "1.7"], ["0.2", "0.4"], False, 6, None, "0.5")
    tasks = [dict(s, _marker=marker) for s in specs]
    out = str(tmp_path / "k.csv")
    rows = sweep.sweep(tasks, [out], {}, 2, cluster.scheduler_address, task=_kill_once)
    assert os.path.exists(marker)  # a worker really died
    assert len(rows) == len(specs) and not any(r["error"] for r in rows)
    assert [table.row_key(r) for r in table.read_rows(out)] == [table.row_key(s) for s in specs]


def test_rerun_resumes_from_the_rows_written(tmp_path, capsys):
    full, part = tmp_path / "full.csv", tmp_path / "part.csv"
    args = ["sweep", "--activation", "erf", "--sigma-w", "1,1.5", "--sigma-b", "0.2,0.4", "--digits", "6", "--workers", "1"]
    assert _run(capsys, *args, "--out", str(full))[0] == 0
    lines = full.read_text().splitlines(keepends=True)
    part.write_text("".join(lines[:3]) + lines[3][:25])  # header, 2 rows, a torn row (killed mid-write)
    rc, out, _ = _run(capsys, *args, "--out", str(part))
    assert rc == 0 and "2 resumed" in out
    assert part.read_bytes() == full.read_bytes()


def test_a_failing_point_is_a_row_with_its_error(tmp_path, capsys):
    out = tmp_path / "r.csv"
    rc, _, _ = _run(capsys, "sweep", "--activation", "relu", "--sigma-w", "1", "--sigma-b", "0.3", "--workers", "1",
                    "--out", str(out))
    assert rc == 0
    rows = {r["kind"]: r for r in table.read_rows(str(out))}
    assert "sigma_b" in rows["edge"]["error"]   # ReLU has no EOC point with sigma_b > 0
    assert rows["grid"]["error"] == "" and rows["grid"]["phase"] == "ordered"


@pytest.mark.parametrize("extra, name", [
    (["--sigma-w", "1", "--sigma-b", "0.1", "--scheduler", "tcp://127.0.0.1:9", "--timeout", "1"], "--scheduler"),
    (["--sigma-w", "1", "--sigma-b", "0.1", "--scheduler", "not an address"], "--scheduler"),
    (["--sigma-w", "1", "--sigma-b", "1:0:0.1"], "--sigma-b"),
    (["--sigma-w", ",", "--sigma-b", "0.1"], "--sigma-w"),
    (["--sigma-w=-1:1:0.5", "--sigma-b", "0.1"], "--sigma-w"),
    (["--sigma-w", "0,1", "--sigma-b", "0.1"], "--sigma-w"),
    (["--sigma-w", "1", "--sigma-b", "nan"], "--sigma-b"),
    (["--sigma-w", "1", "--sigma-b", "0.1", "--digits", "0"], "--digits"),
    (["--sigma-w", "1", "--sigma-b", "0.1", "--depth", "1e6"], "--depth"),
    (["--sigma-w", "1", "--sigma-b", "0.1", "--workers", "0"], "--workers"),
    (["--sigma-w", "1", "--sigma-b", "0.1", "--plot", "fig.gif"], "--plot"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, extra, name):
    out = tmp_path / "never.csv"
    rc, stdout, err = _run(capsys, "sweep", "--activation", "tanh", "--out", str(out), *extra)
    assert rc == 2
    assert err.count("\n") == 1 and name in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_without_dask_one_worker_runs_and_more_say_what_is_missing(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    args = ["sweep", "--activation", "erf", "--sigma-w", "1.2", "--sigma-b", "0.2", "--digits", "6"]
    rc, out, _ = _run(capsys, *args, "--workers", "1")
    assert rc == 0 and "2 rows" in out
    rc, _, err = _run(capsys, *args, "--workers", "2", "--out", str(tmp_path / "x.csv"))
    assert rc == 2 and "--workers" in err and "Dask" in err and not (tmp_path / "x.csv").exists()


def test_the_main_job_does_not_import_dask():
    code = ("import sys; from proofs_checks import cli; cli.main(['check', 'hayou.fact12', '--json']); "
            "print('DASK' if any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules) else 'NO DASK')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("NO DASK")


def test_check_on_two_workers_gives_the_serial_verdicts(capsys):
    ids = ["hayou.fact1.tanh_variance", "hayou.fact2.tanh_ordered", "hayou.fact12", "jacot.prop1", "review.base_case",
           "depth_ntk.prop1", "narrow.mlp"]
    rc1, serial, _ = _run(capsys, "check", *ids, "--json")
    rc2, parallel, _ = _run(capsys, "check", *ids, "--json", "--workers", "2")
    assert rc1 == rc2
    a, b = json.loads(serial)["claims"], json.loads(parallel)["claims"]
    assert len(a) == len(b) >= 5
    for x, y in zip(a, b):
        for key in ("id", "status", "printed", "computed", "corrected", "severity", "strength"):
            assert x.get(key) == y.get(key), (x["id"], key)


def test_claim_chunks_keep_the_serial_order():
    ids = [f"c{i}" for i in range(17)]
    for workers in (1, 2, 5, 40):
        chunks = distributed.claim_chunks(ids, workers)
        assert [i for c in chunks for i in c] == ids and all(chunks)


def test_blockwise_gram_equals_the_in_memory_path(tmp_path, cluster):
    from asymptotics import gram_blocks, linalg
    from asymptotics.recursion import gram_at_depths
    from asymptotics.validation import InputError

    net = linalg.relu_network()
    X = linalg.sphere_data(200, 6, seed=3)
    depths = [10, 1000]
    ref = gram_at_depths(net, X, depths)
    with dd.Client(cluster) as client:
        gram_blocks.blockwise_gram(net, X, depths, block=64, out_dir=str(tmp_path), client=client)
    off = ~numpy.eye(200, dtype=bool)
    for L in depths:
        E = numpy.load(gram_blocks.file_name(str(tmp_path), "one_minus_ntk_normalized", L), mmap_mode="r")
        R = ref[L]["one_minus_ntk_normalized"]
        assert numpy.all(numpy.diag(E) == 0) and numpy.array_equal(E, E.T)
        assert numpy.max(numpy.abs(E - R)[off] / numpy.abs(R)[off]) <= 1e-13
    x = linalg.sphere_data(2, 6, seed=9)
    E_x = gram_at_depths(net, X, [1000], Y=x)[1000]["one_minus_ntk_normalized"]
    back = gram_blocks.limit_from_files(str(tmp_path), 1000, E_x)
    direct = linalg.log_det_kappa(ref[1000]["one_minus_ntk_normalized"])
    assert abs(float(back["det"].log10_abs.mid) - float(direct.log10_abs.mid)) <= float(direct.log10_abs.rad)
    w = linalg.weights_float64(ref[1000]["one_minus_ntk_normalized"], E_x).values
    assert numpy.max(numpy.abs(back["weights"].values - w)) <= 10 * back["weights"].max_rad
    serial = gram_blocks.blockwise_gram(net, X, [10], block=77)  # in-process, in memory
    assert numpy.max(numpy.abs(serial[10]["one_minus_ntk_normalized"] - ref[10]["one_minus_ntk_normalized"])) <= 1e-15
    with pytest.raises(InputError, match="block"):
        gram_blocks.blockwise_gram(net, X, [10], block=0)


def test_edge_only_and_depth_options(tmp_path, capsys):
    out = tmp_path / "edge.jsonl"
    rc, _, _ = _run(capsys, "sweep", "--activation", "erf", "--edge", "--sigma-b", "0.2", "--digits", "6",
                    "--workers", "1", "--out", str(out))
    assert rc == 0
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["kind"] == "edge" and row["phase"] == "eoc" and float(row["A"]["mid"]) > 0
    rc, stdout, _ = _run(capsys, "sweep", "--activation", "erf", "--sigma-w", "1.5", "--sigma-b", "0.3", "--digits", "6",
                         "--depth", "4", "--c0", "0.25", "--workers", "1", "--json")
    grid = [json.loads(line) for line in stdout.splitlines() if '"grid"' in line]
    assert rc == 0 and len(grid) == 1 and grid[0]["c_at_depth"] is not None and grid[0]["depth"] == "4"
    rc, _, err = _run(capsys, "sweep", "--activation", "erf", "--edge", "--sigma-w", "1", "--sigma-b", "0.2")
    assert rc == 2 and "--sigma-w" in err
