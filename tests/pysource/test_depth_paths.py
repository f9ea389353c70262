"""The short cuts of ``cpython_refusal`` give what the full scan gives.

``cpython_refusal`` scans a file when it has more than 200 opening brackets, a line
indented by 100 blanks or more than 20 block keywords, and skips the line-by-line
checks where no line can fail them. Here the full scan behind that rule is run on
seeded inputs built to sit at the limits (brackets, indentation with tabs and form
feeds, nested blocks, strings and comments holding brackets or keywords), and both
must agree on every one.
"""

from __future__ import annotations

import random

from traceaudit.pysource import depth


def _reference(source: str) -> tuple[int, int, str] | None:
    nul = source.find("\x00")
    if nul >= 0:
        message = "source code cannot contain null bytes"
        return depth._line(source, nul), depth._col(source, nul), message
    brackets = source.count("(") + source.count("[") + source.count("{")
    deep = depth._DEEP_INDENT.search(source) is not None
    blocks = len(depth._BLOCK_WORD.findall(source)) > depth.MAX_BLOCKS
    if brackets <= depth.MAX_NESTING and not deep and not blocks:
        return None
    return depth._scan(source)


_NOISE = ["'('", '")"', "f'(('", 'f"{x}[["', "#((\n", "\n", "\\\n", '"""(\n)"""', "rb'\\''",
          "if'(('", "f'''((\n(('''", " for ", "x"]  # fmt: skip


def _brackets(rng: random.Random) -> str:
    target, out, level = rng.randint(190, 215), [], 0
    while level < target:
        r = rng.random()
        if r < 0.75:
            out.append(rng.choice("([{"))
            level += 1
        elif r < 0.85:
            out.append(rng.choice(")]}"))
            level -= 1
        else:
            out.append(rng.choice(_NOISE))
    return "".join(out)


def _indent(width: int, rng: random.Random) -> str:
    return rng.choice([" " * width, "\t" * (width // 8) + " " * (width % 8), "\f" + " " * width])


def _indentation(rng: random.Random) -> str:
    out, width = [], 0
    for _ in range(rng.randint(95, 125)):
        width += rng.choice([1, 1, 1, 2, 8])
        line = rng.choice(["if x:"] * 20 + ["# c", "", "x = (", ")", "for a in b:"])
        out.append(_indent(width, rng) + line + "\n")
    return "".join(out)


def _blocks(rng: random.Random) -> str:
    out, width = [], 0
    for _ in range(rng.randint(18, 26)):
        head = rng.choice(["for x in y:", "while x:", "with a:", "try:", "async for a in b:",
                           "async with x:", "if y:", "x = '''\nfor a:'''"])  # fmt: skip
        if rng.random() < 0.05:
            head = "def g():"
        out.append(_indent(width, rng) + head + "\n")
        width += rng.choice([1, 4, 4, 8])
    return "".join(out) + " " * width + "pass\n"


def test_every_short_cut_agrees_with_the_full_scan() -> None:
    rng = random.Random(11)
    makers = [_brackets, _indentation, _blocks]
    verdicts: set[str | None] = set()
    for _ in range(1500):
        source = rng.choice(makers)(rng)
        if rng.random() < 0.3:
            source = rng.choice(makers)(rng) + source
        expected = _reference(source)
        assert depth.cpython_refusal(source) == expected, source
        verdicts.add(expected[2] if expected else None)
    assert verdicts == {
        None,
        "too many nested parentheses",
        "too many levels of indentation",
        "too many statically nested blocks",
    }
