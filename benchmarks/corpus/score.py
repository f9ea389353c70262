"""Precision of traceaudit's findings on real spec-driven repositories, against hand judgements.

    python benchmarks/corpus/score.py [--role tune|holdout|all] [--repo OWNER/NAME ...]
                                      [--checkouts DIR] [--mirror DIR] [--unjudged FILE]
                                      [--judged FILE]

Each repository of the corpus is one JSON file in ``benchmarks/corpus/repos/`` (see
``benchmarks/corpus/README.md`` for the format): its name and commit, the traceaudit
arguments used (zero configuration wherever possible), and the judgements of findings
and matrix rows that a person made by reading the spec and the code.

For every selected repository the script checks the commit out of its mirror (a bare git
directory such as the ``fetch`` tool brings, ``MIRROR/owner+name/repo``) into ``CHECKOUTS``
(never into this repository: no fetched code is committed), runs
``traceaudit run --format json`` on it and prints, per rule: the findings reported, how
many of them were judged, and how many of those were true, false or debatable; then the
matrix rows judged and how many statuses are now right; then every finding judged true
that is no longer reported ("lost"). ``--unjudged FILE`` writes the findings that no
judgement covers yet, as JSON lines ready to judge; ``--judged FILE`` writes the findings
still reported that a judgement covers, each with its verdict, why and pattern (to group the
false ones by pattern).

A judgement matches a finding on (rule code, file, subject); where several findings share
those, the line decides.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPOS = HERE / "repos"
# Later judgements (of findings that code changes brought up) live apart from the
# first-run ones, one file per judge: judgements/<owner>__<name>/<judge>.json,
# each {"findings": [...], "matrix": [...]} in the same format.
LATER = HERE / "judgements"
VERDICTS = ("true", "false", "debatable")


@dataclass
class Tally:
    reported: int = 0
    judged: Counter[str] = field(default_factory=Counter)

    def precision(self) -> str:
        n = sum(self.judged.values())
        return f"{self.judged['true'] / n:.2f}" if n else "-"


def slug(name: str) -> str:
    return name.replace("/", "__")


def load_entries(role: str, names: list[str]) -> list[dict[str, Any]]:
    entries = []
    for path in sorted(REPOS.glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        if names and entry["repo"] not in names:
            continue
        if role != "all" and entry.get("role") != role:
            continue
        moved: set[tuple[str, str, str, int]] = set()
        for later in sorted((LATER / slug(entry["repo"])).glob("*.json"), key=_judged_when):
            extra = json.loads(later.read_text(encoding="utf-8"))
            entry["findings"] = rejudge(entry.get("findings", []), extra.get("findings", []))
            entry.setdefault("matrix", []).extend(extra.get("matrix", []))
            moved |= _moved(extra.get("findings", []))
        # A later judgement may say which earlier finding it re-expresses ("was": the same
        # fact, now reported at another place or under another subject, e.g. a declaration
        # whose stated base path now applies): that finding is then no longer expected.
        entry["findings"] = [j for j in entry.get("findings", []) if _same(j) not in moved]
        entries.append(entry)
    return entries


def _judged_when(path: Path) -> tuple[int, str]:
    """When a judgement file was first committed (not yet committed: now), then its name:
    a later judge's verdict on a finding replaces an earlier judge's, whatever the names."""
    proc = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%ct", "--", path.name],
        cwd=path.parent, capture_output=True, text=True,
    )  # fmt: skip
    stamps = proc.stdout.split() if proc.returncode == 0 else []
    return (int(stamps[-1]) if stamps else 2**62, path.name)


def _same(judged: dict[str, Any]) -> tuple[str, str, str, int]:
    return (judged["code"], judged["file"], judged["subject"], judged.get("line", 0))


def rejudge(
    earlier: list[dict[str, Any]], later: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``earlier`` with ``later`` added; later judgements of a finding (code, file, subject
    and line) replace every earlier judgement of it (a finding judged again after its
    message or its evidence changed; two findings at one place that are now one)."""
    again: dict[tuple[str, str, str, int], list[dict[str, Any]]] = {}
    for j in later:
        again.setdefault(_same(j), []).append(j)
    kept: list[dict[str, Any]] = []
    for j in earlier:
        key = _same(j)
        if key not in again:
            kept.append(j)
        elif again[key]:
            kept.extend(again[key])
            again[key] = []
    return kept + [j for j in later if again.get(_same(j))]


def _moved(later: list[dict[str, Any]]) -> set[tuple[str, str, str, int]]:
    """The earlier findings that later judgements say they re-express (``was``: one, or a
    list when one finding re-expresses several, say an unserved endpoint and the
    undocumented route that serves it under another prefix)."""
    out: set[tuple[str, str, str, int]] = set()
    for j in later:
        was = j.get("was")
        for w in was if isinstance(was, list) else [was]:
            if isinstance(w, dict):
                out.add((w["code"], w["file"], w["subject"], w.get("line", 0)))
    return out


def checkout(entry: dict[str, Any], checkouts: Path, mirror: Path) -> Path:
    """The repository's tree at the judged commit, extracted once."""
    dest = checkouts / f"{slug(entry['repo'])}@{entry['commit'][:12]}"
    if dest.is_dir():
        return dest
    git_dir = mirror / entry["repo"].replace("/", "+")
    if (git_dir / "repo").is_dir():  # the fetch tool's layout: MIRROR/owner+name/repo
        git_dir = git_dir / "repo"
    if not git_dir.is_dir():
        raise SystemExit(f"{entry['repo']}: no mirror at {git_dir}; fetch it first")
    dest.mkdir(parents=True)
    git = ["git", "--git-dir", str(git_dir)]
    archive = subprocess.run([*git, "archive", entry["commit"]], capture_output=True)
    if archive.returncode == 0:
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
        return dest
    # Snapshots lack files of 4 MiB and more: write every blob that is there.
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "-z", entry["commit"]], check=True, capture_output=True
    ).stdout.decode("utf-8", "surrogateescape")
    missing = 0
    for row in filter(None, listing.split("\0")):
        meta, path = row.split("\t", 1)
        mode, kind, oid = meta.split()
        if kind != "blob" or mode == "120000":
            continue
        blob = subprocess.run([*git, "cat-file", "blob", oid], capture_output=True)
        if blob.returncode != 0:
            missing += 1
            continue
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)
    print(f"{entry['repo']}: checked out without {missing} blobs the snapshot lacks")
    return dest


def run_traceaudit(tree: Path, args: list[str]) -> dict[str, Any]:
    exe = Path(sys.executable).with_name("traceaudit")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [str(exe), "run", str(tree), "--format", "json", "-o", str(out), "--exit-zero"]
        proc = subprocess.run(cmd + args, capture_output=True, text=True, cwd=tmp)
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"{tree}: traceaudit exited {proc.returncode}: {proc.stderr.strip()}")
        report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return report


def match(findings: list[dict[str, Any]], judgements: list[dict[str, Any]]) -> dict[int, int]:
    """finding index -> judgement index, on (code, file, subject), nearest line first."""
    by_key: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for j, judged in enumerate(judgements):
        by_key[(judged["code"], judged["file"], judged["subject"])].append(j)
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for i, found in enumerate(findings):
        options = [
            j for j in by_key.get((found["code"], found["file"], found["subject"]), [])
            if j not in taken
        ]
        if options:
            best = min(options, key=lambda j: abs(judgements[j].get("line", 0) - found["line"]))
            pairs[i] = best
            taken.add(best)
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--role", choices=("tune", "holdout", "all"), default="tune")
    parser.add_argument("--repo", action="append", default=[], help="only this repository")
    parser.add_argument("--checkouts", type=Path, default=Path("/work/scratch/corpus"))
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--unjudged", type=Path, help="write unjudged findings here (JSON lines)")
    parser.add_argument(
        "--judged", type=Path, help="write judged findings still reported, with verdicts, here"
    )
    opts = parser.parse_args()

    entries = load_entries(opts.role, opts.repo)
    if not entries:
        raise SystemExit("no corpus entries selected")
    pooled: dict[str, Tally] = defaultdict(Tally)
    lost: list[str] = []
    unjudged: list[dict[str, Any]] = []
    judged_rows: list[dict[str, Any]] = []
    matrix_total = matrix_right = 0
    for entry in entries:
        tree = checkout(entry, opts.checkouts, opts.mirror)
        report = run_traceaudit(tree, entry.get("args", []))
        findings = report["findings"]
        judgements = entry.get("findings", [])
        pairs = match(findings, judgements)
        per: dict[str, Tally] = defaultdict(Tally)
        for i, found in enumerate(findings):
            per[found["code"]].reported += 1
            if i in pairs:
                verdict = judgements[pairs[i]]
                per[found["code"]].judged[verdict["verdict"]] += 1
                judged_rows.append({
                    "repo": entry["repo"], **found,
                    **{k: verdict.get(k) for k in ("verdict", "why", "pattern")},
                })
            else:
                unjudged.append({"repo": entry["repo"], **found})
        matched = set(pairs.values())
        for j, judged in enumerate(judgements):
            if judged["verdict"] == "true" and j not in matched:
                lost.append(f"{entry['repo']}: {judged['code']} {judged['file']}:"
                            f"{judged.get('line', '?')} {judged['subject']}")
        statuses = {r["key"]: r["status"] for r in report["requirements"]}
        rows = list({row["key"]: row for row in entry.get("matrix", [])}.values())  # latest wins
        # A row that should not exist at all is right once the tool no longer makes it.
        right = sum(
            1
            for row in rows
            if statuses.get(row["key"], "not-a-requirement") == row["right_status"]
        )
        matrix_total += len(rows)
        matrix_right += right
        where = f"{entry['repo']}@{entry['commit'][:12]}"
        print(f"\n{where} ({entry.get('role')}, {entry.get('format')})")
        print(f"  {'rule':6} {'found':>6} {'judged':>6} {'true':>5} {'false':>5} {'debat':>5} prec")
        for code in sorted(per):
            t = per[code]
            pooled[code].reported += t.reported
            pooled[code].judged.update(t.judged)
            print(f"  {code:6} {t.reported:6} {sum(t.judged.values()):6} {t.judged['true']:5} "
                  f"{t.judged['false']:5} {t.judged['debatable']:5} {t.precision()}")
        if rows:
            print(f"  matrix rows right: {right}/{len(rows)}")
    print("\npooled")
    print(f"  {'rule':6} {'found':>6} {'judged':>6} {'true':>5} {'false':>5} {'debat':>5} prec")
    for code in sorted(pooled):
        t = pooled[code]
        print(f"  {code:6} {t.reported:6} {sum(t.judged.values()):6} {t.judged['true']:5} "
              f"{t.judged['false']:5} {t.judged['debatable']:5} {t.precision()}")
    everything = Counter[str]()
    for t in pooled.values():
        everything.update(t.judged)
    n = sum(everything.values())
    if n:
        print(f"  all judged: {n}, true {everything['true']} ({everything['true'] / n:.2f})")
    if matrix_total:
        print(f"  matrix rows right: {matrix_right}/{matrix_total}")
    print(f"\nlost true findings: {len(lost)}")
    for line in lost:
        print(f"  {line}")
    if opts.unjudged:
        opts.unjudged.write_text(
            "".join(json.dumps(u, sort_keys=True) + "\n" for u in unjudged), encoding="utf-8"
        )
        print(f"{len(unjudged)} unjudged findings written to {opts.unjudged}")
    if opts.judged:
        opts.judged.write_text(
            "".join(json.dumps(u, sort_keys=True) + "\n" for u in judged_rows), encoding="utf-8"
        )
        print(f"{len(judged_rows)} judged findings written to {opts.judged}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
