#!/usr/bin/env python3
"""Score a candidate route list against a runtime truth file.

    python score.py TRUTH.json CANDIDATE.json [--max-list 40] [--json OUT]
                    [--include-framework] [--include-mounts] [--quiet]

TRUTH: a file written by dump_routes.py ({..., routes: [...]}) or by
dump_docs_src.py ({..., kind: "per-file", apps: [{app_file, routes}]}).

CANDIDATE: a JSON list of rows, or {"routes": [rows]}. A row:
    {"method": "GET", "path": "/api/v1/items/{id}", "file": "backend/app/api/routes/items.py",
     "line": 48, "app_file": "...", "auth": true}
  - `methods: [...]` is accepted instead of `method` (expanded to one row each);
  - websocket routes use method "WEBSOCKET" (also accepted: "WS", "WEBSOCKETS");
  - `file` is relative to the repo root (a path that ends with the truth path
    at a "/" boundary, or vice versa, also matches, so source-root-relative works);
  - `line` may be the first decorator line or the `def` line (anything in
    between is accepted);
  - `app_file` is needed only for per-file truths (docs_src): the file that
    defines the `app`; when absent `file` is used;
  - `auth` (optional bool) is compared with the truth's auth_heuristic.

Excluded from both sides: HEAD/OPTIONS auto-routes (a HEAD or OPTIONS next to a
GET on the same route or path; an explicit HEAD-only route such as
`@router.head("/")` is kept),
framework-generated routes (FastAPI's /openapi.json, /docs, /redoc, ...;
--include-framework keeps them) and mounts/static entries (Mount, Host,
FrontendRoute; --include-mounts scores them as method "MOUNT").

Metrics (P = precision, R = recall, F1):
  routes        (method, normalized path): params renamed to {}, converters
                ({id:uuid}) dropped, trailing "/" dropped, "//" collapsed
  routes_exact  (method, exact path string)
  attribution   (method, normalized path, file, line): a candidate row counts
                when its file matches and its line is in the truth route's
                [first-decorator line, def line]; routes whose endpoint is
                outside the repo (library routers) are left out here
  endpoints     endpoint locations (file, line range) found, paths ignored
  auth          agreement on matched routes, when candidate rows carry `auth`

Changes in this copy (benchmarks/routes-corpus, issue 9):
- truths with several apps (dump_routes.py --app repeated; each route has `app`):
  every candidate app (the `app` field of traceaudit's JSON) is assigned to the truth
  app it shares most (method, path) pairs with; its routes are scored against that
  app only. A candidate app that shares nothing with any truth app is scored as a
  whole against an empty app (all its routes are extras), unless its file is listed
  in `--exclude-app FILE` (a served app the truth does not hold, e.g. one that runs
  on a remote controller: it is reported, not scored). Single-app truths work the
  same way, so an unrelated app reported instead of the real one costs precision.
- `handler`: of the matched routes whose endpoint is in the audited code, the share
  whose candidate file:line lies in the truth's [first decorator, def] range.
- `score()` returns the lists (missed, extra, wrong handler, auth disagreements)
  with the candidate rows, for the analysis; `--json` writes them.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

SKIP_METHODS = {"HEAD", "OPTIONS"}
WS_ALIASES = {"WS": "WEBSOCKET", "WEBSOCKETS": "WEBSOCKET", "WEBSOCKET": "WEBSOCKET"}
MOUNT_TYPES = {"Mount", "Host", "FrontendRoute"}

_PARAM = re.compile(r"\{[^{}]*\}")


def norm_path(p: str) -> str:
    p = p or "/"
    if not p.startswith("/"):
        p = "/" + p
    p = _PARAM.sub("{}", p)
    p = re.sub(r"/{2,}", "/", p)
    if len(p) > 1:
        p = p.rstrip("/") or "/"
    return p


def norm_method(m: str) -> str:
    m = (m or "").upper()
    return WS_ALIASES.get(m, m)


def norm_file(f: str | None) -> str:
    if not f:
        return ""
    f = f.replace("\\", "/")
    while f.startswith("./"):
        f = f[2:]
    return f


def file_match(cand: str, truth: str) -> bool:
    cand, truth = norm_file(cand), norm_file(truth)
    if not cand or not truth:
        return False
    return cand == truth or truth.endswith("/" + cand) or cand.endswith("/" + truth)


# ---------------------------------------------------------------- truth rows
def truth_rows(doc: dict, include_framework: bool, include_mounts: bool) -> list[dict]:
    """Flatten a truth doc into scoring rows (one per method)."""
    apps: list[tuple[str, list[dict]]]
    if doc.get("kind") == "per-file":
        apps = [(a["app_file"], a["routes"]) for a in doc["apps"]]
    else:
        by_app: dict[str, list[dict]] = {}
        for r in doc["routes"]:
            by_app.setdefault(r.get("app") or "", []).append(r)
        apps = list(by_app.items()) or [("", [])]
    rows = []
    for app_key, routes in apps:
        for r in routes:
            is_mount = r.get("mount") or r.get("type") in MOUNT_TYPES
            if is_mount:
                if not include_mounts:
                    continue
                methods = ["MOUNT"]
            else:
                if r.get("framework_generated") and not include_framework:
                    continue
                ms = [norm_method(m) for m in (r.get("methods") or [])]
                # HEAD is auto-added by Starlette next to GET: drop it there,
                # keep an explicit HEAD-only route
                methods = [m for m in ms if not (m in SKIP_METHODS and "GET" in ms)]
            line = r.get("line")
            def_line = r.get("def_line") or line
            for m in methods:
                rows.append(
                    {
                        "app": app_key,
                        "method": m,
                        "path": r.get("path") or "/",
                        "npath": norm_path(r.get("path") or "/"),
                        "file": None if (is_mount or r.get("external")) else r.get("file"),
                        "lo": line,
                        "hi": max(def_line, line) if (line and def_line) else line,
                        "auth": r.get("auth_heuristic"),
                        "endpoint": r.get("endpoint"),
                        "deps": r.get("dependencies") or [],
                        "schemes": r.get("security_schemes") or [],
                    }
                )
    return rows


# ------------------------------------------------------------ candidate rows
def cand_rows(doc: Any, per_file: bool) -> list[dict]:
    rows_in = doc.get("routes", []) if isinstance(doc, dict) else doc
    rows = []
    # a HEAD/OPTIONS row is dropped when the same path also has GET (auto-route),
    # whether the tool wrote them in one row or two
    get_paths = set()
    for r in rows_in:
        ms = r.get("methods") or [r.get("method")]
        ms = [ms] if isinstance(ms, str) else ms
        if any(norm_method(m or "") == "GET" for m in ms):
            get_paths.add(
                (
                    norm_file(r.get("app_file") or r.get("file"))
                    if per_file
                    else (r.get("app") or ""),
                    norm_path(r.get("path") or "/"),
                )
            )
    for r in rows_in:
        methods = r.get("methods")
        if methods is None:
            methods = [r.get("method")]
        if isinstance(methods, str):
            methods = [methods]
        ms = [norm_method(m) for m in methods if m]
        for m in ms:
            if not m or (m in SKIP_METHODS and "GET" in ms):
                continue
            line = r.get("line")
            try:
                line = int(line) if line is not None else None
            except (TypeError, ValueError):
                line = None
            app_k = (
                norm_file(r.get("app_file") or r.get("file")) if per_file else (r.get("app") or "")
            )
            if m in SKIP_METHODS and (app_k, norm_path(r.get("path") or "/")) in get_paths:
                continue
            rows.append(
                {
                    "app": app_k,
                    "method": m,
                    "path": r.get("path") or "/",
                    "npath": norm_path(r.get("path") or "/"),
                    "file": r.get("file"),
                    "line": line,
                    "auth": r.get("auth"),
                    "conditional": bool(r.get("conditional")),
                    "condition": r.get("condition"),
                    "handler": r.get("handler"),
                    "unresolved": r.get("unresolved") or [],
                    "auth_dependencies": r.get("auth_dependencies") or [],
                }
            )
    return rows


def prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> dict:
    p = tp_p / n_p if n_p else (1.0 if n_r == 0 else 0.0)
    r = tp_r / n_r if n_r else 1.0
    f = 2 * p * r / (p + r) if (p + r) else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp_precision": tp_p,
        "n_candidate": n_p,
        "tp_recall": tp_r,
        "n_truth": n_r,
    }


def app_key_match(per_file: bool) -> Any:
    if not per_file:
        return lambda c, t: True
    return lambda c, t: file_match(c, t)


def app_file(app: str) -> str:
    """The file part of a candidate app key (`pkg/main.py:app` -> `pkg/main.py`)."""
    return norm_file(app.rsplit(":", 1)[0]) if ":" in app else norm_file(app)


def score(
    truth: dict,
    cand: Any,
    include_framework: bool = False,
    include_mounts: bool = False,
    exclude_apps: Iterable[str] = (),
) -> dict:
    per_file = truth.get("kind") == "per-file"
    T = truth_rows(truth, include_framework, include_mounts)
    C = cand_rows(cand, per_file)
    excluded = [norm_file(e) for e in exclude_apps]
    res_excluded: dict[str, int] = {}
    if not per_file:
        # assign every candidate app to the truth app it overlaps most; no overlap -> its own key
        t_sets: dict[str, set] = defaultdict(set)
        for t in T:
            t_sets[t["app"]].add((t["method"], t["npath"]))
        c_sets: dict[str, set] = defaultdict(set)
        for c in C:
            c_sets[c["app"]].add((c["method"], c["npath"]))
        amap: dict[str, str] = {}
        # one-to-one, largest overlap first: each truth app takes the candidate app that shares
        # most of its routes; other candidate apps are extra (or excluded) as a whole
        pairs_ov = sorted(
            ((len(cs & ts), ca, ta) for ca, cs in c_sets.items() for ta, ts in t_sets.items()),
            key=lambda x: (-x[0], x[1], x[2]),
        )
        taken: set[str] = set()
        for ov, ca, ta in pairs_ov:
            if ov > 0 and ca not in amap and ta not in taken:
                amap[ca] = ta
                taken.add(ta)
        for ca in sorted(c_sets):
            if ca in amap:
                continue
            if any(file_match(app_file(ca), e) for e in excluded):
                amap[ca] = "!" + ca
            else:
                amap[ca] = "+" + ca  # an app the truth does not have: all of it is extra
        for c in C:
            c["app"] = amap[c["app"]]
        for c in C:
            if c["app"].startswith("!"):
                res_excluded[c["app"][1:]] = res_excluded.get(c["app"][1:], 0) + 1
        C = [c for c in C if not c["app"].startswith("!")]
        res_app_map = amap
    else:
        res_app_map = {}

    # canonical app key of candidate rows -> truth app key (per-file truths)
    truth_apps = sorted(
        {t["app"] for t in T}
        | ({a["app_file"] for a in truth.get("apps", [])} if per_file else set())
    )
    app_map: dict[str, str] = {}
    for c in C:
        if c["app"] in app_map:
            continue
        hit = c["app"]  # already mapped onto a truth app above
        if per_file:
            for ta in truth_apps:
                if file_match(c["app"], ta):
                    hit = ta
                    break
            else:
                hit = "?" + c["app"]  # candidate app not in truth (failed/skipped file)
        app_map[c["app"]] = hit
    for c in C:
        c["tapp"] = app_map.get(c["app"], "")
    # candidate rows for apps the truth skipped (import errors) are not scored
    skipped_apps = {c["tapp"] for c in C if c["tapp"].startswith("?")}
    C_scored = [c for c in C if not c["tapp"].startswith("?")]

    res: dict[str, Any] = {
        "app_map": res_app_map,
        "excluded_candidate_apps": res_excluded,
        "truth_rows": len(T),
        "candidate_rows": len(C_scored),
        "candidate_rows_unscored_apps": len(C) - len(C_scored),
        "unscored_candidate_apps": len(skipped_apps),
    }

    # 1. routes (method, normalized path) & exact
    for key, name in (("npath", "routes"), ("path", "routes_exact")):
        tset = {(t["app"], t["method"], t[key]) for t in T}
        cset = {(c["tapp"], c["method"], c[key]) for c in C_scored}
        inter = tset & cset
        res[name] = prf(len(inter), len(cset), len(inter), len(tset))
        if name == "routes":
            res["_missed_routes"] = sorted(tset - cset)
            res["_extra_routes"] = sorted(cset - tset)

    # 2. attribution (method, npath, file, line in [lo, hi])
    by_mp: dict[tuple, list[dict]] = defaultdict(list)
    for t in T:
        if t["file"] and t["lo"]:
            by_mp[(t["app"], t["method"], t["npath"])].append(t)
    t_attr = [t for t in T if t["file"] and t["lo"]]
    t_keys = {(t["app"], t["method"], t["npath"], t["file"], t["lo"]) for t in t_attr}
    c_attr = {}
    for c in C_scored:
        k = (c["tapp"], c["method"], c["npath"], norm_file(c["file"]), c["line"])
        c_attr[k] = c
    # only candidate rows whose (method, path) belongs to an in-repo truth route, or
    # that are not in truth at all, count against attribution precision
    ext_mp = {(t["app"], t["method"], t["npath"]) for t in T if not (t["file"] and t["lo"])}
    good_c = 0
    hit_t: set[tuple] = set()
    n_c = 0
    for app, m, p, f, line in c_attr:
        if (app, m, p) in ext_mp and (app, m, p) not in by_mp:
            continue
        n_c += 1
        ok = False
        for t in by_mp.get((app, m, p), []):
            if line is not None and file_match(f, t["file"]) and t["lo"] <= line <= t["hi"]:
                ok = True
                hit_t.add((t["app"], t["method"], t["npath"], t["file"], t["lo"]))
        good_c += ok
    res["attribution"] = prf(good_c, n_c, len(hit_t), len(t_keys))
    res["_missed_attribution"] = sorted(k for k in t_keys if k not in hit_t)

    # 2b. handler file:line on matched routes whose endpoint is in the audited code
    c_by_key: dict[tuple, list[dict]] = defaultdict(list)
    for c in C_scored:
        c_by_key[(c["tapp"], c["method"], c["npath"])].append(c)
    h_total = h_ok = 0
    wrong_handler = []
    for key, ts in sorted(by_mp.items()):
        cs = c_by_key.get(key)
        if not cs:
            continue
        h_total += 1
        ok = any(
            c["line"] is not None
            and file_match(norm_file(c["file"]), t["file"])
            and t["lo"] <= c["line"] <= t["hi"]
            for c in cs
            for t in ts
        )
        h_ok += ok
        if not ok:
            wrong_handler.append(
                {
                    "app": key[0],
                    "method": key[1],
                    "path": ts[0]["path"],
                    "truth": [f"{t['file']}:{t['lo']}-{t['hi']}" for t in ts],
                    "candidate": [f"{c['file']}:{c['line']}" for c in cs],
                    "candidate_handler": cs[0].get("handler"),
                }
            )
    res["handler"] = {
        "matched_in_repo": h_total,
        "ok": h_ok,
        "ratio": round(h_ok / h_total, 4) if h_total else 1.0,
    }
    res["_wrong_handler"] = wrong_handler
    t_by_key: dict[tuple, list[dict]] = defaultdict(list)
    for t in T:
        t_by_key[(t["app"], t["method"], t["npath"])].append(t)
    res["_missed_detail"] = [
        {
            "app": k[0],
            "method": k[1],
            "path": ts[0]["path"],
            "endpoint": ts[0]["endpoint"],
            "file": ts[0]["file"],
            "line": ts[0]["lo"],
        }
        for k, ts in sorted(t_by_key.items())
        if k not in c_by_key
    ]
    res["_extra_detail"] = [
        {
            "app": k[0],
            "method": k[1],
            "path": cs[0]["path"],
            "file": cs[0]["file"],
            "line": cs[0]["line"],
            "handler": cs[0].get("handler"),
            "conditional": cs[0]["conditional"],
            "condition": cs[0]["condition"],
            "unresolved": cs[0]["unresolved"],
        }
        for k, cs in sorted(c_by_key.items())
        if k not in t_by_key
    ]

    # 3. endpoint locations, path ignored
    t_eps = {(t["app"], t["file"], t["lo"], t["hi"]) for t in t_attr}
    c_eps = {
        (c["tapp"], norm_file(c["file"]), c["line"])
        for c in C_scored
        if c["file"]
        and c["line"]
        and not (
            (c["tapp"], c["method"], c["npath"]) in ext_mp
            and (c["tapp"], c["method"], c["npath"]) not in by_mp
        )
    }
    hit_eps = set()
    good = 0
    for app, f, line in c_eps:
        ok = False
        for ta, tf, lo, hi in t_eps:
            if ta == app and lo <= line <= hi and file_match(f, tf):
                ok = True
                hit_eps.add((ta, tf, lo, hi))
        good += ok
    res["endpoints"] = prf(good, len(c_eps), len(hit_eps), len(t_eps))

    # 4. auth agreement on matched (method, npath)
    # several truth routes can share a normalized key ("/admin" and a mounted "/admin/"):
    # the candidate agrees when it matches any of them
    t_auth_all: dict[tuple, set[bool]] = defaultdict(set)
    for t in T:
        if t["auth"] is not None:
            t_auth_all[(t["app"], t["method"], t["npath"])].add(bool(t["auth"]))

    def truth_auth(c: dict) -> bool:
        vals = t_auth_all[(c["tapp"], c["method"], c["npath"])]
        return bool(c["auth"]) if bool(c["auth"]) in vals else next(iter(vals))

    matched_c = [
        c
        for c in C_scored
        if c["auth"] is not None and (c["tapp"], c["method"], c["npath"]) in t_auth_all
    ]
    pairs = [(bool(c["auth"]), truth_auth(c)) for c in matched_c]
    res["_auth_disagree"] = [
        {
            "app": c["tapp"],
            "method": c["method"],
            "path": c["path"],
            "candidate": bool(c["auth"]),
            "truth": truth_auth(c),
            "file": c["file"],
            "line": c["line"],
            "candidate_deps": c["auth_dependencies"],
            "truth_deps": next(
                (
                    t["deps"]
                    for t in T
                    if (t["app"], t["method"], t["npath"]) == (c["tapp"], c["method"], c["npath"])
                ),
                [],
            ),
        }
        for c in matched_c
        if bool(c["auth"]) != truth_auth(c)
    ]
    if pairs:
        tp = sum(1 for c, t in pairs if c and t)
        fp = sum(1 for c, t in pairs if c and not t)
        fn = sum(1 for c, t in pairs if not c and t)
        res["auth"] = {
            "matched_routes": len(pairs),
            "accuracy": round(sum(1 for c, t in pairs if c == t) / len(pairs), 4),
            **{
                k: v
                for k, v in prf(tp, tp + fp, tp, tp + fn).items()
                if k in ("precision", "recall", "f1")
            },
        }
    return res


def fmt(m: dict) -> str:
    return (
        f"P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}  "
        f"({m['tp_precision']}/{m['n_candidate']} candidate, {m['tp_recall']}/{m['n_truth']} truth)"
    )


def show(items: Iterable[tuple], limit: int) -> list[str]:
    items = list(items)
    out = []
    for it in items[:limit]:
        app = it[0]
        rest = " ".join(str(x) for x in it[1:])
        out.append(f"    {('[' + app + '] ') if app else ''}{rest}")
    if len(items) > limit:
        out.append(f"    ... {len(items) - limit} more")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("truth")
    ap.add_argument("candidate")
    ap.add_argument("--max-list", type=int, default=40)
    ap.add_argument("--include-framework", action="store_true")
    ap.add_argument("--include-mounts", action="store_true")
    ap.add_argument("--json", help="write the metrics (and full miss lists) here")
    ap.add_argument("--quiet", action="store_true", help="metrics only, no miss lists")
    ap.add_argument(
        "--exclude-app",
        action="append",
        default=[],
        help="file of a served app the truth does not hold (reported, not scored)",
    )
    a = ap.parse_args()
    with open(a.truth) as fh:
        truth = json.load(fh)
    with open(a.candidate) as fh:
        cand = json.load(fh)
    res = score(truth, cand, a.include_framework, a.include_mounts, a.exclude_app)
    name = truth.get("name") or truth.get("repo")
    print(
        f"== {name} ({truth.get('repo')}@{str(truth.get('commit'))[:10]}): "
        f"{res['truth_rows']} truth rows, {res['candidate_rows']} candidate rows"
        + (
            f" (+{res['candidate_rows_unscored_apps']} rows in "
            f"{res['unscored_candidate_apps']} apps the truth skipped)"
            if res["candidate_rows_unscored_apps"]
            else ""
        )
    )
    for k in ("routes", "routes_exact", "attribution", "endpoints"):
        print(f"  {k:13s} {fmt(res[k])}")
    h = res["handler"]
    print(
        f"  {'handler':13s} {h['ok']}/{h['matched_in_repo']} matched in-repo routes "
        "at the right file:line"
    )
    if "auth" in res:
        au = res["auth"]
        print(
            f"  {'auth':13s} acc={au['accuracy']:.3f} P={au['precision']:.3f} R={au['recall']:.3f} "
            f"on {au['matched_routes']} matched routes"
        )
    if not a.quiet:
        print(f"  missed routes (method, normalized path): {len(res['_missed_routes'])}")
        print("\n".join(show(res["_missed_routes"], a.max_list)))
        print(f"  extra routes (not in truth): {len(res['_extra_routes'])}")
        print("\n".join(show(res["_extra_routes"], a.max_list)))
        print(
            f"  missed attributions (method, path, file, line): {len(res['_missed_attribution'])}"
        )
        print("\n".join(show(res["_missed_attribution"], a.max_list)))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1, default=list)


if __name__ == "__main__":
    main()
