#!/usr/bin/env python3
"""Build the scratch side of the route oracle corpus from nothing: venvs, roots, truths.

    python benchmarks/routes-corpus/prepare.py [--scratch /work/scratch] [--only NAME ...]
        [--role tune|holdout|all] [--steps venv,root,truth] [--mirror-dir /work/.mirror]

For every app of apps.json (default: all 13):

1. venv   SCRATCH/venvs/NAME with the app's Python, then each `install` step
          (`uv pip install ARGS`; `--lock-from-root` = the versions of the source
          checkout's uv.lock, via `uv export` + `uv pip sync`). uv is taken from PATH or
          SCRATCH/venvs/_uv (made with `python3 -m venv` + `pip install uv` if absent).
2. root   SCRATCH/routes-src/NAME, what traceaudit audits: for `git` roots the tree of
          the pinned commit, exported from a bare mirror (MIRROR/owner+repo/repo, as the
          session's fetch tool leaves it, or `git clone --bare` into SCRATCH/mirrors when
          GitHub is reachable); for `site-packages` roots the installed package folders.
3. truth  SCRATCH/routes-truth/NAME.json: dump_routes.py run in the app's venv (the app
          is imported and its route table walked), from a fresh SCRATCH/run-NAME folder
          that is also HOME, with the app's env, setup script and app expressions.

Fetched code and truths stay in SCRATCH; nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def sh(args: list[str], **kw: Any) -> None:
    print("  $", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, **kw)


def find_python(version: str) -> str:
    found = shutil.which(f"python{version}")
    if found:
        try:
            subprocess.run([found, "-c", "import sys"], check=True, capture_output=True)
            return found
        except (OSError, subprocess.CalledProcessError):
            pass
    for cand in sorted(
        glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}"))
    ):
        return cand
    raise SystemExit(f"no python{version} found (install it, or put it on PATH)")


def find_uv(scratch: Path) -> str:
    found = shutil.which("uv")
    if found:
        return found
    uv = scratch / "venvs" / "_uv" / "bin" / "uv"
    if not uv.exists():
        sh([sys.executable, "-m", "venv", uv.parent.parent])
        sh([uv.parent / "pip", "install", "-q", "uv"])
    return str(uv)


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    if not found:
        raise SystemExit(f"{venv}: no site-packages")
    return found[0]


def step_venv(app: dict, scratch: Path, uv: str) -> None:
    venv = scratch / "venvs" / app["name"]
    if venv.exists():
        shutil.rmtree(venv)
    sh([uv, "venv", "-q", "--python", find_python(app["python"]), venv])
    py = venv / "bin" / "python"
    for step in app["install"]:
        if step and step[0] == "--lock-from-root":
            root = scratch / "routes-src" / app["name"]
            if not (root / "uv.lock").exists():
                raise SystemExit(
                    f"{app['name']}: --lock-from-root needs the root first "
                    "(--steps root,venv,truth)"
                )
            reqs = scratch / "venvs" / f"{app['name']}-lock.txt"
            with open(reqs, "w") as out:
                sh(
                    [
                        uv,
                        "export",
                        "--frozen",
                        "--no-hashes",
                        "--no-emit-project",
                        "--no-dev",
                        "-q",
                        *step[1:],
                    ],
                    cwd=root,
                    stdout=out,
                )
            sh([uv, "pip", "sync", "-q", "--python", py, reqs])
            continue
        args = [str(HERE / a) if a.startswith("setup/") else a for a in step]
        sh([uv, "pip", "install", "-q", "--python", py, *args])


def step_root(app: dict, scratch: Path, mirror_dir: Path) -> None:
    dest = scratch / "routes-src" / app["name"]
    if dest.exists():
        shutil.rmtree(dest)
    root = app["root"]
    if root["kind"] == "site-packages":
        sp = site_packages(scratch / "venvs" / app["name"])
        dest.mkdir(parents=True)
        for folder in root["folders"]:
            shutil.copytree(
                sp / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__")
            )
        return
    owner, name = root["repo"].split("/")
    gitdir = mirror_dir / f"{owner}+{name}" / "repo"
    if not gitdir.exists():
        gitdir = scratch / "mirrors" / f"{owner}+{name}.git"
        if not gitdir.exists():
            sh(
                [
                    "git",
                    "clone",
                    "--bare",
                    "--filter=blob:limit=5m",
                    f"https://github.com/{root['repo']}",
                    gitdir,
                ]
            )
    commit = subprocess.run(
        ["git", f"--git-dir={gitdir}", "rev-parse", f"{root['rev']}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if commit != root["commit"]:
        raise SystemExit(
            f"{app['name']}: {root['rev']} is {commit}, apps.json pins {root['commit']}"
        )
    tree = dest if "subdir" not in root else scratch / "routes-src" / f".{app['name']}-tree"
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    sh([sys.executable, HERE / "export_tree.py", gitdir, commit, tree])
    if "subdir" in root:
        shutil.copytree(tree / root["subdir"], dest)
        shutil.rmtree(tree)


def step_truth(app: dict, scratch: Path) -> None:
    name = app["name"]
    venv = scratch / "venvs" / name
    py = venv / "bin" / "python"
    root = scratch / "routes-src" / name
    run = scratch / f"run-{name}"
    if run.exists():
        shutil.rmtree(run)
    run.mkdir(parents=True)
    truth = app["truth"]
    env = dict(os.environ, HOME=str(run))
    for k, v in truth.get("env", {}).items():
        env[k] = v.replace("{run}", str(run))
    for cmd in truth.get("pre", []):
        sh([c.replace("{venv}", str(venv)) for c in cmd], cwd=run, env=env)
    in_root = truth.get("cwd_root", False)
    repo_root = root if in_root else site_packages(venv)
    args: list[Any] = [
        py,
        HERE / "dump_routes.py",
        "--repo-root",
        repo_root,
        "--repo",
        app["root"].get("repo", app["source"]),
        "--commit",
        app["source"],
        "--name",
        name,
        "--out",
        scratch / "routes-truth" / f"{name}.json",
        "--note",
        app["truth_config"],
    ]
    for k, v in truth.get("env", {}).items():
        args += ["--env", f"{k}={v.replace('{run}', str(run))}"]
    if truth.get("exec"):
        args += ["--exec", HERE / truth["exec"]]
    if truth.get("sys_path_root"):
        args += ["--sys-path", root]
    for spec in truth["apps"]:
        args += ["--app", spec]
    try:
        sh(args, cwd=root if in_root else run, env=env)
    finally:
        if in_root:  # leave the audited tree as it was fetched
            for cache in root.rglob("__pycache__"):
                shutil.rmtree(cache, ignore_errors=True)
            for db in root.glob("*.db"):
                db.unlink()


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scratch", default=os.environ.get("ROUTES_SCRATCH", "/work/scratch"))
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--role", choices=["tune", "holdout", "all"], default="all")
    ap.add_argument("--steps", default="venv,root,truth")
    ap.add_argument("--mirror-dir", default="/work/.mirror")
    a = ap.parse_args()
    scratch = Path(a.scratch)
    (scratch / "routes-truth").mkdir(parents=True, exist_ok=True)
    spec = json.loads((HERE / "apps.json").read_text())
    steps = a.steps.split(",")
    uv = find_uv(scratch) if "venv" in steps else ""
    for app in spec["apps"]:
        if (a.role != "all" and app["role"] != a.role) or (a.only and app["name"] not in a.only):
            continue
        print(f"== {app['name']} ({app['source']})", flush=True)
        lock_first = any(s and s[0] == "--lock-from-root" for s in app["install"])
        order = (
            ["root", "venv", "truth"]
            if lock_first and app["root"]["kind"] == "git"
            else ["venv", "root", "truth"]
        )
        for step in order:
            if step not in steps:
                continue
            if step == "venv":
                step_venv(app, scratch, uv)
            elif step == "root":
                step_root(app, scratch, Path(a.mirror_dir))
            else:
                step_truth(app, scratch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
