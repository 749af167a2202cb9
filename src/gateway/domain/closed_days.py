"""Days a location is closed: the national holidays of the SPEC plus the organisation's own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

import holidays

Language = Literal["nl", "en"]

# The holidays on which a location closes, keyed by the `holidays` package's Dutch names. Its
# public NL list also holds Good Friday, Easter Sunday and Whit Sunday, which are ordinary care
# days here (Sundays have no care anyway, but an organisation could open on one).
_CLOSING_HOLIDAYS: Mapping[str, Mapping[Language, str]] = {
    "Nieuwjaarsdag": {"nl": "Nieuwjaarsdag", "en": "New Year's Day"},
    "Tweede paasdag": {"nl": "Tweede paasdag", "en": "Easter Monday"},
    "Koningsdag": {"nl": "Koningsdag", "en": "King's Day"},
    # King's Day under its name before 2014, so history reads right.
    "Koninginnedag": {"nl": "Koninginnedag", "en": "Queen's Day"},
    "Bevrijdingsdag": {"nl": "Bevrijdingsdag", "en": "Liberation Day"},
    "Hemelvaartsdag": {"nl": "Hemelvaartsdag", "en": "Ascension Day"},
    "Tweede pinksterdag": {"nl": "Tweede pinksterdag", "en": "Whit Monday"},
    "Eerste kerstdag": {"nl": "Eerste kerstdag", "en": "Christmas Day"},
    "Tweede kerstdag": {"nl": "Tweede kerstdag", "en": "Boxing Day"},
}


@lru_cache(maxsize=64)
def national_closed_days(year: int) -> Mapping[date, tuple[str, ...]]:
    """The national holidays of `year` on which locations close, as date → Dutch key names.

    Usually one name a day; two when holidays coincide (5 May 2005 was both Liberation Day and
    Ascension Day).
    """
    # The language is pinned: without it the package picks a translation from the process
    # locale, and the filter below must see the same names on every machine.
    found = holidays.country_holidays("NL", years=year, language="nl", categories=holidays.PUBLIC)
    closed: dict[date, tuple[str, ...]] = {}
    for day in sorted(found):
        names = tuple(
            name
            for name in found.get_list(day)
            if name in _CLOSING_HOLIDAYS
            # Liberation Day is a day off only in lustrum years (SPEC). The package agrees
            # today, but older releases listed 5 May every year, and the SPEC is what binds.
            and not (name == "Bevrijdingsdag" and year % 5 != 0)
        )
        if names:
            closed[day] = names
    return MappingProxyType(closed)


def closed_day(
    day: date, own_closing_days: Mapping[date, str], language: Language = "nl"
) -> str | None:
    """The name of the holiday or closing day if the location is closed on `day`, else None.

    National holidays are named in `language`; an organisation's own closing days keep the name
    it gave them. When both fall on one day, the national holiday names it.
    """
    keys = national_closed_days(day.year).get(day)
    if keys:
        return " / ".join(_CLOSING_HOLIDAYS[key][language] for key in keys)
    return own_closing_days.get(day)
