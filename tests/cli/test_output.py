"""The command's output rules as pure functions: colour, cells, tables that fit."""

from __future__ import annotations

import io

import pytest

from speakeasy._cli import output


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert output.colour(_Tty()) and not output.colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not output.colour(_Tty())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not output.colour(_Tty())


def test_cells_are_the_json_values() -> None:
    assert [output.cell(v) for v in ("a,b", True, 12, None, 1.5)] == [
        "a,b",
        "true",
        "12",
        "",
        "1.5",
    ]


def test_a_table_fits_the_width_and_marks_failures_only_in_colour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    rows = [{"id": "x" * 80, "success": False, "interaction_type": "LINT"}]
    plain = io.StringIO()
    output.table(rows, plain, ("interaction_type", "success", "id"))
    assert all(len(line) <= 50 for line in plain.getvalue().splitlines())
    assert "…" in plain.getvalue() and "\x1b[" not in plain.getvalue()
    tty = _Tty()
    output.table(rows, tty, ("interaction_type", "success", "id"))
    assert "\x1b[31m" in tty.getvalue()


def test_csv_has_every_field_in_order_of_first_appearance() -> None:
    out = io.StringIO()
    output.write([{"a": 1}, {"b": "x", "a": 2}], "csv", out, ())
    assert out.getvalue() == "a,b\n1,\n2,x\n"
