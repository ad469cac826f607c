"""Money: currency symbols, ISO codes and names before or after a number ("$5m", "SEK 3bn",
"40 million dollars", "20 cents")."""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------------------------
# Currencies

_SYMBOLS = {
    "US$": "USD",
    "$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "HK$": "HKD",
    "NT$": "TWD",
    "S$": "SGD",
    "NZ$": "NZD",
    "R$": "BRL",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₦": "NGN",
    "₽": "RUB",
    "₺": "TRY",
    "元": "CNY",
    # written with a space by some style guides and by text extracted from tables
    "US $": "USD",
    "C $": "CAD",
    "A $": "AUD",
    "HK $": "HKD",
    "NZ $": "NZD",
    "Rs.": "INR",
    "Rs": "INR",
    # the naira's common ASCII form, before a scaled amount only ("N500m"; not "N95 masks")
    "N": "NGN",
}
_CODES = {
    c: c
    for c in (
        "USD EUR GBP SEK NOK DKK CHF JPY CNY INR AUD CAD HKD SGD NZD BRL ZAR KRW MXN PLN "
        "TRY RUB AED SAR"
    ).split()
}
_CODES["RMB"] = "CNY"
_NAMES = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "krona": "SEK",
    "kronor": "SEK",
    "kroner": "NOK",
    "krone": "NOK",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupee": "INR",
    "rupees": "INR",
    "franc": "CHF",
    "francs": "CHF",
    "won": "KRW",
    "peso": "MXN",
    "pesos": "MXN",
    "reais": "BRL",
    "cent": "USD",
    "cents": "USD",
    "pence": "GBP",
    "dime": "USD",
    "dimes": "USD",
    "p": "GBP",
}
_NATIONAL = {
    "us": "USD",
    "u.s.": "USD",
    "american": "USD",
    "australian": "AUD",
    "canadian": "CAD",
    "hong kong": "HKD",
    "singapore": "SGD",
    "new zealand": "NZD",
    "swedish": "SEK",
    "norwegian": "NOK",
    "danish": "DKK",
    "swiss": "CHF",
    "japanese": "JPY",
    "chinese": "CNY",
    "indian": "INR",
    "mexican": "MXN",
    "brazilian": "BRL",
}

_SYM_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True) if s != "N")
_SYM_RE += r"|N(?=\d[\d,.]*[ ]?(?:m|bn|million|billion|trillion)\b)"
_CODE_RE = "|".join(sorted(_CODES))

_CUR_AFTER = re.compile(
    rf"""(?:
        [ ]?(?P<sym>[€£$¥₹₩₦₽₺元])
        # "3bn SEK", "99.9USD", "15 MEUR" (a scale letter before the code), "40 USD"
      | [ ]?(?P<cscale>MM|Mn|mn|Bn|bn|M|K|k|B)?(?P<code>{_CODE_RE})(?![\w])
        # "40 million dollars", "49.95 Euro", "a 10-dollar bill"
      | (?:[ ]|-)(?:(?P<nat>US|U\.S\.|American|Australian|Canadian|Hong[ ]Kong|Singapore|New[ ]Zealand|
              Swedish|Norwegian|Danish|Swiss|Japanese|Chinese|Indian|Mexican|Brazilian)[ ])?
            (?P<name>(?i:dollars?|euros?|pounds[ ]sterling|pounds?|sterling|kronor|krona|kroner|
              krone|yen|yuan|renminbi|rupees?|francs?|pesos?|reais|won|cents?|pence|dimes?))(?![\w-])
    )""",
    re.X,
)


_CODE_SCALES = {"MM": 1e6, "Mn": 1e6, "mn": 1e6, "M": 1e6, "K": 1e3, "k": 1e3, "B": 1e9, "Bn": 1e9}
_CODE_SCALES["bn"] = 1e9


# "5,200 pounds of water vapour" is a weight; "pounds of funding" stays money
_POUNDS_OF_MONEY = (
    "money cash funding funds investment investments spending debt debts taxpayers taxpayer "
    "public government savings revenue revenues profit profits losses damages aid support "
    "assets capital compensation wages pay bonuses fines sales credit loans borrowing "
    "subsidies benefits value cuts tax taxes income budget contracts deals"
).split()
_WEIGHT_OF = re.compile(r"[ ]of[ ](?!(?:" + "|".join(_POUNDS_OF_MONEY) + r")\b)[a-z]")


def is_weight(text: str, m: re.Match[str]) -> bool:
    """ "pounds of" something that is not money: a weight in pounds."""
    name = m.group("name")
    return bool(name and name.lower() in ("pound", "pounds") and _WEIGHT_OF.match(text, m.end()))


def _currency_after_ok(text: str, m: re.Match[str]) -> bool:
    name = m.group("name")
    if name and name.lower().startswith("pound") and m.group(0).startswith("-"):
        return False
    if name and name.lower() in ("cent", "cents") and text[m.start() : m.start() + 1] == "-":
        return False
    if name and name[0].isupper() and name.lower() in ("won", "pence", "sterling"):
        return False  # "3 Won" is a title, not Korean money
    return True


def _currency_from(m: re.Match[str]) -> tuple[str, float]:
    if m.group("sym"):
        return _SYMBOLS[m.group("sym")], 1.0
    if m.group("code"):
        return _CODES[m.group("code")], _CODE_SCALES.get(m.group("cscale"), 1.0)
    name = m.group("name").lower()
    nat = m.group("nat")
    if name in ("cent", "cents", "pence", "dime", "dimes"):
        factor = 0.1 if name.startswith("dime") else 0.01
        return (_NATIONAL.get(nat.lower(), "USD") if nat else _NAMES[name]), factor
    if name.startswith("pound") or name == "sterling":
        return "GBP", 1.0
    if nat and name.startswith(("dollar", "krona", "kronor", "kroner", "krone", "franc", "peso")):
        code = _NATIONAL.get(nat.lower())
        if code:
            return code, 1.0
    return _NAMES[name], 1.0
