"""Ticket numbers: NA + 8 digits from an allocated sequence (domain.md §4, seed 000)."""

from __future__ import annotations

import pytest

from services.support.domain.errors import TicketNumbersExhausted
from services.support.domain.numbering import is_ticket_number, sequence_of, ticket_number

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("sequence", "number"),
    [(1, "NA00000001"), (42, "NA00000042"), (15848636, "NA15848636"), (99999999, "NA99999999")],
)
def test_a_sequence_number_becomes_na_and_eight_digits(sequence, number):
    assert ticket_number(sequence) == number
    assert is_ticket_number(number)
    assert sequence_of(number) == sequence


@pytest.mark.parametrize("sequence", [0, -5, True, 1.0, "7"])
def test_sequences_start_at_one_and_are_whole_numbers(sequence):
    with pytest.raises(ValueError):
        ticket_number(sequence)


def test_a_sequence_beyond_eight_digits_is_refused():
    with pytest.raises(TicketNumbersExhausted):
        ticket_number(100_000_000)


@pytest.mark.parametrize(
    "text",
    ["NA1234567", "NA123456789", "na00000001", "NB00000001", " NA00000001", "NA00000000", ""],
)
def test_other_texts_are_not_ticket_numbers(text):
    assert not is_ticket_number(text)
    with pytest.raises(ValueError):
        sequence_of(text)
