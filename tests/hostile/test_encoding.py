"""Python files are decoded exactly as CPython's tokenizer decodes them (PEP 263): a file
CPython compiles is never a TA000 for its encoding, and one it refuses is."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.hostile.support import (
    codes_on,
    findings_on,
    route_lines,
    router,
    run_audit,
    sentinel_audited,
    sentinel_project,
    write,
)
from traceaudit.pysource.encoding import SourceDecodeError, decode_source

_PIECES = [
    b"# coding: latin-1", b"# -*- coding: utf-8 -*-", b"# coding: ascii", b"# coding=utf8",
    b"# vim: set fileencoding=UTF_8 :", b"#!/usr/bin/env python", b"", b"x = 1", b"# caf\xe9",
    b"x = 'caf\xe9'", b"y = 2  # \xff\xfe", b"s = '#'  # \xe9", b"s = '# \xe9'",
    b"\xef\xbb\xbf", b'"""\n# \xe9\n"""', b"# coding: bogus", b"# coding: shift_jis",
    b"z = '\x82\xa0'", b"\t# coding: cp1252", b"caf\xe9 = 1", b"# \xc0\xaf", b"# \xed\xa0\x80",
]  # fmt: skip


def _cpython(data: bytes) -> str:
    """``ok``: CPython decodes the file; ``refused``: it does not; ``other``: it refuses
    it for another reason (then either answer is a TA000)."""
    try:
        compile(data, "<hostile>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        words = ("codec", "encoding", "unicode error", "decode")
        return "refused" if any(w in str(exc.msg) for w in words) else "other"
    except ValueError:
        return "other"
    return "ok"


def _ours(data: bytes) -> str:
    try:
        decode_source(data)
    except SourceDecodeError:
        return "refused"
    return "ok"


def test_decoding_agrees_with_cpython_on_random_files() -> None:
    rnd = random.Random(10)
    for _ in range(3000):
        eol = rnd.choice([b"\n", b"\r\n", b"\r"])
        data = eol.join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 4))) + eol
        theirs, ours = _cpython(data), _ours(data)
        assert theirs == ours or theirs == "other", (data, theirs, ours)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # PEP 263: a declaration on line 3 is only a comment; CPython reads the file as
        # UTF-8 and never decodes the comment that holds the Latin-1 byte.
        (b"#!/usr/bin/env python\n\n# coding: latin-1\n# caf\xe9\nx = 1\n", "ok"),
        (b"#!/usr/bin/env python\n# coding: latin-1\nx = 'caf\xe9'\n", "ok"),
        (b"x = 1\n# coding: latin-1\nx = 'caf\xe9'\n", "refused"),  # line 1 is code
        (b"#!x\r# coding: latin-1\rx = 'caf\xe9'\r", "ok"),  # CR ends line 1
        (b"# caf\xe9\nx = 1\n", "ok"),
        (b"x = 'caf\xe9'\n", "refused"),
        (b"# coding: utf8\n# caf\xe9\n", "refused"),  # not a spelling CPython normalises
        (b"# coding: UTF_8\n# caf\xe9\n", "ok"),
        (b"\xef\xbb\xbf# coding: latin-1\n", "refused"),
        (b"# coding: no-such-codec\n", "refused"),
    ],
)
def test_pep263_cases(data: bytes, expected: str) -> None:
    assert _cpython(data) == expected
    assert _ours(data) == expected


def test_invalid_byte_outside_a_comment_is_cpythons_line() -> None:
    with pytest.raises(SourceDecodeError) as err:
        decode_source(b"x = 1\n# ok \xe9\ny = '\xe9'\n")
    assert err.value.line == 3
    try:
        compile(b"x = 1\n# ok \xe9\ny = '\xe9'\n", "<x>", "exec")
    except SyntaxError as exc:
        assert exc.lineno == 3


def test_cookie_on_line_3_is_read_as_utf8_and_audited(tmp_path: Path) -> None:
    sentinel_project(tmp_path)
    data = b"#!/usr/bin/env python\n\n# coding: latin-1\n" + router("# caf\xe9").encode("latin-1")
    compile(data, "enc.py", "exec")  # CPython accepts it
    write(tmp_path, "app/enc.py", data)
    result = run_audit(tmp_path)
    assert sentinel_audited(result)
    assert codes_on(result, "app/enc.py") == []
    assert route_lines(result, "app/enc.py") == [9]


def test_invalid_utf8_in_a_string_is_a_ta000_at_its_line(tmp_path: Path) -> None:
    sentinel_project(tmp_path)
    write(tmp_path, "app/enc.py", router('S = "caf\xe9"').encode("latin-1"))
    result = run_audit(tmp_path)
    assert sentinel_audited(result)
    (found,) = findings_on(result, "app/enc.py")
    assert (found.rule.code, found.location.line) == ("TA000", 4)
