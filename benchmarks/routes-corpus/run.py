#!/usr/bin/env python3
"""Re-run `traceaudit routes` on every app of the route oracle corpus and score it.

    python benchmarks/routes-corpus/run.py [--scratch /work/scratch] [--role tune|holdout|all]
        [--only NAME ...] [--traceaudit PATH] [--configured] [--out DIR] [--json FILE]
        [--record-first-run]

For each app of `apps.json` (default: the `tune` ones; the held-out ones only with
`--role holdout` or `all`, at the very end of the work) it runs

    traceaudit routes SCRATCH/routes-src/NAME --format json [traceaudit_args if --configured]

keeps the output in OUT/NAME.json (default SCRATCH/routes-out), scores it against
SCRATCH/routes-truth/NAME.json with score.py (per-app matching; `exclude_apps` are
reported, not scored) and prints one row per app and pooled rows per role:
truth routes, reported routes, precision, recall, handler file:line on matched
in-repo routes, auth agreement on matched routes. Nothing here imports the audited
code; the truths were made once by prepare.py (see README.md).

`--record-first-run` writes the numbers into apps.json `first_run` of apps that have
none yet (with the traceaudit commit), and never overwrites one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

from score import score  # noqa: E402


def traceaudit_commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def run_one(
    app: dict, scratch: Path, exe: str, out_dir: Path, configured: bool, rescore: bool = False
) -> dict[str, Any]:
    name = app["name"]
    root = scratch / "routes-src" / name
    truth_path = scratch / "routes-truth" / f"{name}.json"
    if not root.is_dir() or not truth_path.is_file():
        return {
            "name": name,
            "error": f"missing {root if not root.is_dir() else truth_path} (run prepare.py)",
        }
    args = [exe, "routes", str(root), "--format", "json"]
    if configured:
        args += [
            a.replace("{root}", str(root)).replace("{corpus}", str(HERE))
            for a in app.get("traceaudit_args", [])
        ]
    t0 = time.monotonic()
    if rescore:  # score the output kept by an earlier run again (after a scorer change)
        stdout = (out_dir / f"{name}.json").read_text()
    else:
        proc = subprocess.run(args, capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            return {
                "name": name,
                "error": f"traceaudit exit {proc.returncode}: {proc.stderr.strip()[:300]}",
            }
        stdout = proc.stdout
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / f"{name}.json").write_text(stdout)
    secs = time.monotonic() - t0
    cand = json.loads(stdout)
    truth = json.loads(truth_path.read_text())
    res = score(truth, cand, exclude_apps=app.get("exclude_apps", []))
    (out_dir / f"{name}.score.json").write_text(json.dumps(res, indent=1, default=list) + "\n")
    r = res["routes"]
    au = res.get("auth", {"matched_routes": 0, "accuracy": 1.0})
    agree = round(au["accuracy"] * au["matched_routes"]) if au["matched_routes"] else 0
    cand_apps = sorted({row.get("app") or "" for row in cand.get("routes", [])})
    return {
        "name": name,
        "role": app["role"],
        "seconds": round(secs, 1),
        "truth": r["n_truth"],
        "reported": r["n_candidate"],
        "tp": r["tp_recall"],
        "precision": r["precision"],
        "recall": r["recall"],
        "handler_ok": res["handler"]["ok"],
        "handler_n": res["handler"]["matched_in_repo"],
        "auth_agree": agree,
        "auth_n": au["matched_routes"],
        "exact_tp": res["routes_exact"]["tp_recall"],
        "exact_truth": res["routes_exact"]["n_truth"],
        "exact_reported": res["routes_exact"]["n_candidate"],
        "apps_reported": len(cand_apps),
        "excluded_rows": sum(res["excluded_candidate_apps"].values()),
    }


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def row_text(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{r['name']:22s} ERROR {r['error']}"
    return (
        f"{r['name']:22s} {r['role']:7s} {r['truth']:6d} {r['reported']:8d} "
        f"{r['precision']:6.3f} {r['recall']:6.3f} "
        f"{ratio(r['handler_ok'], r['handler_n']):>6s} ({r['handler_ok']}/{r['handler_n']}) "
        f"{ratio(r['auth_agree'], r['auth_n']):>6s} ({r['auth_agree']}/{r['auth_n']})  "
        f"apps={r['apps_reported']}"
    )


def pooled(rows: list[dict[str, Any]], label: str) -> str:
    ok = [r for r in rows if "error" not in r]
    if not ok:
        return f"{label:30s} (none)"
    tp = sum(r["tp"] for r in ok)
    n_t = sum(r["truth"] for r in ok)
    n_c = sum(r["reported"] for r in ok)
    ho = sum(r["handler_ok"] for r in ok)
    hn = sum(r["handler_n"] for r in ok)
    aa = sum(r["auth_agree"] for r in ok)
    an = sum(r["auth_n"] for r in ok)
    worst = min(ok, key=lambda r: r["recall"])
    etp = sum(r["exact_tp"] for r in ok)
    et = sum(r["exact_truth"] for r in ok)
    ec = sum(r["exact_reported"] for r in ok)
    return (
        f"{label:30s} {n_t:6d} {n_c:8d} {ratio(tp, n_c):>6s} {ratio(tp, n_t):>6s} "
        f"{ratio(ho, hn):>6s} ({ho}/{hn}) {ratio(aa, an):>6s} ({aa}/{an})  "
        f"lowest recall: {worst['name']} {worst['recall']:.3f}; "
        f"exact paths P {ratio(etp, ec)} R {ratio(etp, et)}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scratch", default=os.environ.get("ROUTES_SCRATCH", "/work/scratch"))
    ap.add_argument("--role", choices=["tune", "holdout", "all"], default="tune")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--traceaudit", default=str(REPO / ".venv" / "bin" / "traceaudit"))
    ap.add_argument(
        "--configured", action="store_true", help="add each app's traceaudit_args (second number)"
    )
    ap.add_argument(
        "--out", help="where traceaudit outputs and scores go (default SCRATCH/routes-out)"
    )
    ap.add_argument("--json", help="write the per-app rows here")
    ap.add_argument("--record-first-run", action="store_true")
    ap.add_argument(
        "--rescore",
        action="store_true",
        help="score the outputs in OUT again, without running traceaudit",
    )
    ap.add_argument(
        "--label",
        help="the traceaudit commit the executable was built from "
        "(default: HEAD of this checkout; give it when --traceaudit is a pinned install)",
    )
    a = ap.parse_args()

    scratch = Path(a.scratch)
    out_dir = (
        Path(a.out)
        if a.out
        else scratch / ("routes-out-configured" if a.configured else "routes-out")
    )
    spec = json.loads((HERE / "apps.json").read_text())
    apps = [
        x
        for x in spec["apps"]
        if (a.role == "all" or x["role"] == a.role) and (not a.only or x["name"] in a.only)
    ]
    commit = a.label or traceaudit_commit()
    print(
        f"traceaudit {commit}, {'configured' if a.configured else 'zero configuration'}, "
        f"{len(apps)} apps"
    )
    print(
        f"{'app':22s} {'role':7s} {'truth':>6s} {'reported':>8s} {'P':>6s} {'R':>6s} "
        f"{'handler':>6s}       {'auth':>6s}"
    )
    rows = []
    for x in apps:
        r = run_one(x, scratch, a.traceaudit, out_dir, a.configured, a.rescore)
        rows.append(r)
        print(row_text(r), flush=True)
    for role in ("tune", "holdout"):
        rr = [r for r in rows if r.get("role") == role]
        if rr:
            print(pooled(rr, f"pooled {role} ({len(rr)} apps)"))
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")
    if a.record_first_run:
        by = {r["name"]: r for r in rows if "error" not in r}
        changed = False
        for x in spec["apps"]:
            r = by.get(x["name"])
            if r is None or "precision" in (x.get("first_run") or {}) or a.configured:
                continue
            x["first_run"] = {
                "routes": r["truth"],
                "reported": r["reported"],
                "precision": r["precision"],
                "recall": r["recall"],
                "handler_ok": f"{r['handler_ok']}/{r['handler_n']}",
                "auth_agree": f"{r['auth_agree']}/{r['auth_n']}",
                "traceaudit": commit,
            }
            changed = True
        if changed:
            (HERE / "apps.json").write_text(json.dumps(spec, indent=2) + "\n")
            print("first_run recorded in apps.json")
    return 0 if all("error" not in r for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
