#!/usr/bin/env python3
"""Export one commit's tree from a bare git dir, skipping blobs that are absent.

    python export_tree.py GITDIR REV DEST

The `fetch` tool's snapshots may lack their largest blobs (images, test data); `git archive`
stops at the first one. This writes every blob that is there and counts the rest.
"""

from __future__ import annotations

import os
import subprocess
import sys


def main() -> int:
    gitdir, rev, dest = sys.argv[1:4]
    listing = subprocess.run(
        ["git", f"--git-dir={gitdir}", "ls-tree", "-r", "-z", rev], check=True, capture_output=True
    ).stdout
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":  # symlinks are left out
            entries.append((sha.decode(), path.decode()))
    proc = subprocess.Popen(
        ["git", f"--git-dir={gitdir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    missing = 0
    for sha, path in entries:
        proc.stdin.write(sha.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            missing += 1
            continue
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
    proc.stdin.close()
    proc.wait()
    print(f"{dest}: {len(entries) - missing} files, {missing} absent blobs skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
