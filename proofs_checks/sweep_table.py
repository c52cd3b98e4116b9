"""The sweep's tidy table: one row per point, appended as points finish, resumable.

A row is a flat dict of strings.  Every number ``x`` is four columns: ``x`` (the digits its
accuracy supports, then the radius), ``x_mid`` (40 digits), ``x_rad`` and ``x_digits``.
``.csv`` files get a header; ``.json`` / ``.jsonl`` files are JSON Lines (one object per line,
numbers as ``{"value", "mid", "rad", "digits", "method"}``), since a JSON array cannot be
appended to.  Each row is flushed and fsynced when written, so an interrupted sweep loses at most
the rows in flight; a torn last line (a kill mid-write) is cut off when the file is reopened.
When the sweep completes, the file is rewritten (atomically) in grid order, so a serial run and a
parallel run leave identical files.
"""
from __future__ import annotations

import csv
import io
import json
import os

from asymptotics.accuracy import Approx, format_approx
from asymptotics.phase_diagram import EDGE_FIELDS, GRID_FIELDS
from asymptotics.validation import InputError

NUMBERS = tuple(dict.fromkeys(GRID_FIELDS + EDGE_FIELDS))
KEY = ("activation", "kind", "sigma_w", "sigma_b", "digits", "depth", "c0")
COLUMNS = KEY + ("phase",) + tuple(f"{n}{s}" for n in NUMBERS for s in ("", "_mid", "_rad", "_digits")) + ("note", "error")
FORMATS = (".csv", ".json", ".jsonl")


def row_key(row: dict) -> tuple:
    return tuple(str(row.get(k, "")) for k in KEY)


def flat_row(spec: dict, result: dict | None, error: str = "") -> dict:
    """The CSV row (all strings) of one computed point, or of a failed one (``error``)."""
    row = {k: "" for k in COLUMNS}
    row.update({k: "" if spec.get(k) is None else str(spec[k]) for k in KEY})
    if result is not None:
        row["phase"] = result.get("phase", "")
        row["note"] = result.get("note", "")
        for name in NUMBERS:
            value = result.get(name)
            if isinstance(value, Approx):
                d = value.as_dict()
                row[name], row[name + "_mid"], row[name + "_rad"], row[name + "_digits"] = (
                    format_approx(value), d["mid"], d["rad"], str(d["digits"]))
    row["error"] = error
    return row


def json_row(row: dict) -> dict:
    out = {k: row[k] for k in KEY + ("phase",)}
    for name in NUMBERS:
        if row.get(name + "_mid"):
            out[name] = {"value": row[name], "mid": row[name + "_mid"], "rad": row[name + "_rad"],
                         "digits": row[name + "_digits"]}
        else:
            out[name] = None
    out["note"], out["error"] = row["note"], row["error"]
    return out


def _from_json(obj: dict) -> dict:
    row = {k: "" for k in COLUMNS}
    for k in KEY + ("phase", "note", "error"):
        row[k] = str(obj.get(k, "") or "")
    for name in NUMBERS:
        v = obj.get(name)
        if isinstance(v, dict):
            row[name], row[name + "_mid"], row[name + "_rad"], row[name + "_digits"] = (
                str(v.get("value", "")), str(v.get("mid", "")), str(v.get("rad", "")), str(v.get("digits", "")))
    return row


def check_out_path(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise InputError("--out", f"{path!r}: expected a .csv, .json or .jsonl file name")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise InputError("--out", f"{path!r}: directory {parent!r} does not exist")
    if os.path.exists(path) and not os.path.isfile(path):
        raise InputError("--out", f"{path!r} is not a regular file")
    return path


def _cut_torn_line(path: str) -> None:
    with open(path, "rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            fh.truncate(data.rfind(b"\n") + 1)


def read_rows(path: str) -> list:
    """Rows already in ``path`` (none when it does not exist); InputError when it is not ours."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return []
    _cut_torn_line(path)
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    try:
        if path.lower().endswith(".csv"):
            reader = csv.DictReader(io.StringIO(text))
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise InputError("--out", f"{path!r} exists with other columns (not a sweep table); choose a new file")
            return [dict(r) for r in reader]
        return [_from_json(json.loads(line)) for line in text.splitlines() if line.strip()]
    except (ValueError, csv.Error) as err:
        raise InputError("--out", f"{path!r} exists but cannot be read as a sweep table ({err})") from None


class TableWriter:
    """Appends rows to every --out file, one flush + fsync per row."""

    def __init__(self, paths):
        self.paths = list(paths)
        self.handles = []

    def __enter__(self):
        for path in self.paths:
            new = not os.path.exists(path) or os.path.getsize(path) == 0
            fh = open(path, "a", encoding="utf-8", newline="")
            if new and path.lower().endswith(".csv"):
                csv.writer(fh, lineterminator="\n").writerow(COLUMNS)
            self.handles.append(fh)
        return self

    def write(self, row: dict) -> None:
        for path, fh in zip(self.paths, self.handles):
            if path.lower().endswith(".csv"):
                csv.writer(fh, lineterminator="\n").writerow([row[c] for c in COLUMNS])
            else:
                fh.write(json.dumps(json_row(row)) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def __exit__(self, *exc):
        for fh in self.handles:
            fh.close()
        return False


def rewrite_in_order(path: str, rows: list) -> None:
    """Replace ``path`` by ``rows`` (atomically: a temporary file, then os.replace)."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        if path.lower().endswith(".csv"):
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(COLUMNS)
            for row in rows:
                w.writerow([row[c] for c in COLUMNS])
        else:
            for row in rows:
                fh.write(json.dumps(json_row(row)) + "\n")
    os.replace(tmp, path)
