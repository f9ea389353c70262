#!/usr/bin/env python3
"""Export a commit's tree from a bare git dir, skipping blobs that are absent (large files)."""
import os, subprocess, sys
gitdir, rev, dest = sys.argv[1:4]
out = subprocess.run(["git", f"--git-dir={gitdir}", "ls-tree", "-r", "-z", rev], check=True, capture_output=True).stdout
entries = []
for rec in out.split(b"\0"):
    if not rec:
        continue
    meta, path = rec.split(b"\t", 1)
    mode, typ, sha = meta.split()
    if typ == b"blob" and mode != b"120000":
        entries.append((sha.decode(), path.decode()))
p = subprocess.Popen(["git", f"--git-dir={gitdir}", "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
missing = 0
for sha, path in entries:
    p.stdin.write(sha.encode() + b"\n"); p.stdin.flush()
    header = p.stdout.readline().split()
    if len(header) < 3 or header[1] == b"missing":
        missing += 1
        continue
    size = int(header[2]); data = p.stdout.read(size); p.stdout.read(1)
    fp = os.path.join(dest, path)
    os.makedirs(os.path.dirname(fp), exist_ok=True)
    with open(fp, "wb") as f:
        f.write(data)
p.stdin.close(); p.wait()
print(f"{dest}: {len(entries) - missing} files, {missing} absent blobs skipped")
