"""What a number counts or measures: measures and durations ("450 MW", "24 hours") and the
counted noun after a number ("700 full-time human agents" -> "agents")."""

from __future__ import annotations

import re

from ..numbers import NUMBER_WORDS, word_regex

_TIME_UNITS = {
    "second": "seconds",
    "seconds": "seconds",
    "minute": "minutes",
    "minutes": "minutes",
    "mins": "minutes",
    "hour": "hours",
    "hours": "hours",
    "hrs": "hours",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "yrs": "years",
    "decade": "decades",
    "decades": "decades",
    "century": "centuries",
    "centuries": "centuries",
}
_MEASURES = {
    "km": "km",
    "kilometre": "km",
    "kilometres": "km",
    "kilometer": "km",
    "kilometers": "km",
    "mile": "mi",
    "miles": "mi",
    "mi": "mi",
    "metre": "m",
    "metres": "m",
    "meter": "m",
    "meters": "m",
    "cm": "cm",
    "centimetres": "cm",
    "centimeters": "cm",
    "mm": "mm",
    "millimetres": "mm",
    "millimeters": "mm",
    "ft": "ft",
    "feet": "ft",
    "foot": "ft",
    "inch": "in",
    "inches": "in",
    "kg": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "kilos": "kg",
    "gram": "g",
    "grams": "g",
    "mg": "mg",
    "nm": "nm",
    "nanometre": "nm",
    "nanometres": "nm",
    "nanometer": "nm",
    "nanometers": "nm",
    "milligrams": "mg",
    "lb": "lb",
    "lbs": "lb",
    "tonne": "t",
    "tonnes": "t",
    "ton": "t",
    "tons": "t",
    "litre": "l",
    "litres": "l",
    "liter": "l",
    "liters": "l",
    "ml": "ml",
    "cl": "cl",
    "gallon": "gal",
    "gallons": "gal",
    "barrel": "bbl",
    "barrels": "bbl",
    "kw": "kW",
    "mw": "MW",
    "gw": "GW",
    "kwh": "kWh",
    "mwh": "MWh",
    "gwh": "GWh",
    "twh": "TWh",
    "watts": "W",
    "kilowatts": "kW",
    "megawatts": "MW",
    "gigawatts": "GW",
    "kb": "KB",
    "mb": "MB",
    "gb": "GB",
    "tb": "TB",
    "pb": "PB",
    "kilobytes": "KB",
    "megabytes": "MB",
    "gigabytes": "GB",
    "terabytes": "TB",
    "petabytes": "PB",
    "exabytes": "EB",
    "ghz": "GHz",
    "mhz": "MHz",
    "°c": "°C",
    "°f": "°F",
    "degrees celsius": "°C",
    "degrees fahrenheit": "°F",
    "degrees": "°",
    "mph": "mph",
    "km/h": "km/h",
    "kph": "km/h",
    "sq km": "km2",
    "km2": "km2",
    "square kilometres": "km2",
    "square kilometers": "km2",
    "square miles": "mi2",
    "sq mi": "mi2",
    "acres": "acres",
    "yard": "yd",
    "yards": "yd",
    "yd": "yd",
    "ounce": "oz",
    "ounces": "oz",
    "oz": "oz",
    "tbsp": "tbsp",
    "tablespoon": "tbsp",
    "tablespoons": "tbsp",
    "tsp": "tsp",
    "teaspoon": "tsp",
    "teaspoons": "tsp",
    "cup": "cup",
    "cups": "cup",
    "hp": "hp",
    "horsepower": "hp",
    "bhp": "hp",
    "fps": "fps",
    "mp": "MP",
    "megapixel": "MP",
    "megapixels": "MP",
    "kbps": "kbps",
    "mbps": "Mbps",
    "gbps": "Gbps",
    "mah": "mAh",
    "hz": "Hz",
    "khz": "kHz",
    "hectares": "ha",
    "light-years": "ly",
    "light-year": "ly",
    "light years": "ly",
    "light year": "ly",
    "metric tons": "t",
    "metric tonnes": "t",
    "mmhg": "mmHg",
    "teraflop": "TFLOPS",
    "teraflops": "TFLOPS",
    "tflops": "TFLOPS",
    "petaflops": "PFLOPS",
    "gigaflops": "GFLOPS",
    "ha": "ha",
}
_UNIT_AFTER = re.compile(
    r"(?P<sep>[ ]?-?|-)(?P<unit>"
    + "|".join(
        re.escape(u).replace("\\ ", "[ ]")
        for u in sorted({*_MEASURES, *_TIME_UNITS}, key=len, reverse=True)
    )
    + r")(?![\w/])(?:['’](?![\w]))?",
    re.I,
)

_WORD_AFTER = re.compile(
    r"(?:[ ]|-(?=[A-Za-z]))((?:[A-Z]\.){2,}|\d+[A-Za-z][\w-]*|[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*)"
)
# "571 of the deliveries", "2,000 of its 5,000 employees"
_OF_THE = re.compile(
    r"[ ]of[ ](?:the|its|their|his|her|our|these|those|all)(?:[ ](?:\d[\d,.]*|"
    + word_regex(NUMBER_WORDS, capitalized=False)
    + r"))?(?=[ ])"
)


_COUNT_STOP = frozenset(
    """a an the of in on at by for from to with and or but as than that which who whom whose
    this these those its their his her our my your it he she they we you i is are was were be
    been being has have had do does did will would can could may might must shall should
    said says say told tells according per each every while when where since until after
    before during about around over under into onto than across between among within without
    against through toward towards via like unlike despite including amid behind beyond near
    inside outside along upon versus vs throughout except
    not no nor so if yet also only just more most less least very too already still even
    up down out off last next this year years ago now today worldwide globally annually
    alone overall total respectively apiece a-year per-cent percent there here
    make makes made take takes took give gives gave show shows showed mean means meant
    remain remains remained seem seems seemed go goes went come comes came get gets got
    work works worked help helps helped handle handles handled use uses used need needs
    lose loses lost cut cuts hire hires hired add adds added fell fall falls rose rise rises
    grew grow grows jumped jump jumps dropped drop drops
    """.split()
)
_IRREGULAR_PLURALS = frozenset(
    """people staff personnel children men women police cattle feet teeth mice data media
    crew workforce headcount aircraft sheep fish series species offspring""".split()
)
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ous")


def _is_plural(word: str) -> bool:
    w = word.lower()
    if w in _IRREGULAR_PLURALS:
        return True
    return len(w) > 2 and w.endswith("s") and not w.endswith(_NOT_PLURAL_ENDINGS)


_EXACT_CASE = {
    "mp": "MP",
    "hp": "hp",
    "oz": "oz",
    "yd": "yd",
    "cup": "cup",
    "cups": "cups",
    "tsp": "tsp",
    "tbsp": "tbsp",
}


def _unit_ok(text: str, m: re.Match[str]) -> bool:
    u = m.group("unit")
    ul = u.lower()
    # two-letter symbols must not be the start of a word: "5 mi" yes, "5 minutes" handled
    if ul in ("mi", "ft", "ha", "ml", "cl", "mb", "gb", "kb", "tb", "pb", "lb", "mm", "cm"):
        if u not in ("mi", "ft", "ha", "ml", "cl", "MB", "GB", "KB", "TB", "PB", "lb", "mm", "cm"):
            return False
    if ul in _EXACT_CASE and u != _EXACT_CASE[ul]:
        return False  # "48MP" and "300 hp", but not "5 Mp" or "the 1 Cup"
    if ul in ("kw", "mw", "gw", "kwh", "mwh", "gwh", "twh", "ghz", "mhz"):
        return u[0] in "kMGT" or u[0] == "k"
    if ul == "degrees" and not re.match(r"[ ](?:Celsius|Fahrenheit|C|F)\b", text[m.end() :]):
        return True
    return True


_MODEL = re.compile(r"[ ](\d{1,4}(?:-\d{1,4})?)(?=[ ][A-Za-z])")


def _counted_noun(text: str, pos: int, value: float, words: bool = False) -> tuple[str | None, int]:
    """The counted noun after a number: "700 full-time human agents" -> ("agents", end)."""
    tokens: list[tuple[str, int, int, bool]] = []  # (word, start, end, capitalised or a model)
    p = pos
    for _ in range(5):
        m = _WORD_AFTER.match(text, p)
        if not m:
            # a model number after a name or right after the count: "30 Boeing 737-800 jets",
            # "four 747 jumbo jets" (the count is of jets, and 747 is no figure)
            mm = _MODEL.match(text, p)
            if mm and (tokens and tokens[-1][3] or not tokens and words and len(mm.group(1)) > 2):
                tokens.append((mm.group(1), mm.start(1), mm.end(1), True))
                p = mm.end(1)
                continue
            break
        w = m.group(1)
        wl = w.lower().rstrip("'’")
        if wl.endswith(("'s", "’s")):
            wl = wl[:-2]
            tokens.append((wl, m.start(1), m.end(1), False))
            break
        if wl in _COUNT_STOP or wl in _NUMBER_WORD_SET:
            break
        if tokens and _is_plural(tokens[-1][0]) and not _is_plural(wl) and not tokens[-1][3]:
            break  # "three rivals filed complaints"; but "two United States service members"
        tokens.append((wl, m.start(1), m.end(1), w[0].isupper()))
        p = m.end(1)
        if m.group(0).startswith("-"):
            # "700-person team": the hyphenated word is the unit
            break
    if not tokens:
        of = _OF_THE.match(text, pos)
        if of and value != 1:
            noun, end = _counted_noun(text, of.end(), 2)
            if noun and _is_plural(noun):
                # "four of the ten largest retailers": "ten" is a figure of its own
                return noun, (end if of.group(0).count(" ") == 2 else pos)
        return None, pos
    # the head is the last plural-looking word of the phrase
    for wl, _s, e, _name in reversed(tokens):
        if _is_plural(wl) and not wl.endswith("ly") and not wl[0].isdigit():
            return wl, _trim_possessive(text, e)
    wl, _s, e, _name = tokens[0]
    if value == 1 or text[pos : pos + 1] == "-":
        if wl.endswith("ly") or wl.endswith("ing") or wl.endswith("ed"):
            return None, pos
        return wl, e
    return None, pos


def _trim_possessive(text: str, end: int) -> int:
    if text[end - 1 : end] in ("'", "’"):
        return end - 1
    return end


def _is_name_like(w: str) -> bool:
    return w[:1].isupper()


_NUMBER_WORD_SET = frozenset(NUMBER_WORDS)
