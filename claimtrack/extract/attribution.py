"""Attribution: who asserts a sentence, and the cue that says so.

``attribute(sentence, context)`` returns ``(claimant, cue)``. It recognises

- "<who> says/said/estimates/told/claims ..." (with an appositive: "Siemiatkowski, Klarna's
  chief executive, said"), and "..., <who> said." at the end;
- "..., said <who>" (inverted);
- "according to <who>";
- "<who> reportedly ..." gives the cue "reportedly" and no claimant.

``<who>`` is a proper name ("Klarna", "Sebastian Siemiatkowski", "Adobe Analytics"), a role or
organisation phrase ("a spokesperson", "analysts", "the report"), or a reference to an
organisation ("the company", "the firm", "the Stockholm-based company", "it"), which is
resolved to the organisation most recently named before the sentence (see
:func:`last_organisation`); "he"/"she" resolve to the most recently named person.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from .numbers import word_regex

CUE_VERBS = """said says say told tells tell estimates estimated estimate claims claimed claim
asserts asserted assert reported reports announced announces stated states added adds noted
notes wrote writes expects expected predicts predicted forecasts forecast projects projected
believes believed argued argues insisted insists maintains maintained acknowledged
acknowledges confirmed confirms disclosed discloses revealed reveals explained explains
boasted boasts touted touts highlighted highlights emphasised emphasized emphasizes
emphasises stressed stresses calculated calculates found finds showed shows suggests
suggested warned warns admitted admits denied denies expect predict believe argue warn
insist maintain suggest note add state estimate claim report forecasts""".split()
# Cues that are often something else ("Netflix added 13 million subscribers", "the
# company's notes"): they count only before "that", punctuation or a quote.
WEAK_CUES = frozenset(
    "added adds add noted notes note stated states state found finds showed shows "
    "highlights highlighted wrote writes".split()
)
_WEAK_OK = re.compile(
    r"(?:[ ]that\b|[,.:;\"“”]|[ ]?$|[ ](?:in|on|to)[ ](?:a|an|the|its|his|her)[ ])"
)

ORG_NOUNS = """company firm bank startup start-up group business lender retailer fintech giant
platform maker provider operator carrier insurer developer manufacturer airline automaker
carmaker chipmaker brand chain outlet publisher broadcaster network service app
organisation organization fund major reinsurer planemaker toymaker""".split()
ROLE_NOUNS = """spokesperson spokesman spokeswoman representative rep executive executives
ceo cfo coo cto chief founder co-founder cofounder chairman chairwoman chair president
director directors manager managers head analyst analysts economist economists official
officials minister secretary researcher researchers lawyer lawyers report statement survey
study data website memo filing filings release blog post letter analysis figures estimates
investors critics experts sources regulator regulators employees staff spokespeople
insiders people agency government ministry department court union governor mayor owner
owners leaders""".split()

_CAP = r"[A-ZÀ-ÖØ-Þ](?:[\w&'’-]|\.(?=\w))*"
_NAME = rf"{_CAP}(?:[ ](?:{_CAP}|of|for|de|van|von|der|&|and(?=[ ][A-Z])))*"
_DET = r"(?:the|The|a|A|an|An|its|Its|their|Their|his|His|her|Her|our|Our|this|This)"
_GENERIC = (
    rf"{_DET}(?:[ ](?:[\w’'-]+))??(?:[ ](?:[\w’'-]+))??[ ](?:{'|'.join(ORG_NOUNS + ROLE_NOUNS)})"
    rf"(?:['’]s[ ](?:[\w-]+[ ]){{0,2}}?(?:{'|'.join(ROLE_NOUNS)}))?"
)
_BARE = (
    r"(?:(?:[A-Z]\w+[ ])?(?:[Aa]nalysts|[Oo]fficials|[Ee]xecutives|[Ee]conomists|[Ee]xperts|"
    r"[Rr]esearchers|[Cc]ritics|[Ii]nvestors|[Rr]egulators|[Ss]ources|[Ll]eaders)|"
    r"[Pp]eople[ ]familiar[ ]with[ ]the[ ]matter)"
)
BARE_ROLES = frozenset(
    "analysts officials executives economists experts researchers critics investors "
    "regulators sources leaders".split()
)
# "the maker of frozen meals", "the company behind the app"
_ORG_OF = rf"(?:the|The)[ ](?:[\w-]+[ ]){{0,2}}?(?:{'|'.join(ORG_NOUNS)})[ ](?:of|behind)[ ](?:[\w-]+[ ]?){{1,4}}"
_PRONOUN = r"(?:[Ii]t|[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I)"
_WHO = (
    rf"(?:{_NAME}(?:['’]s[ ](?:[\w-]+[ ]){{0,2}}?(?:{'|'.join(ROLE_NOUNS)}))?|{_ORG_OF}|"
    rf"{_GENERIC}|{_BARE}|{_PRONOUN})"
)

_CUE = re.compile(word_regex(CUE_VERBS) + r"(?![\w])")
_CUE_SET = frozenset(CUE_VERBS)
_ADVERBS = (
    r"(?:(?:also|has|have|had|previously|recently|now|publicly|reportedly|once|then|"
    r"later|earlier|first|repeatedly|had[ ]previously|has[ ]long|on[ ]\w+day)[ ])*"
)
_BEFORE_CUE = re.compile(
    rf"(?:^|(?<=[\s,;:(\"“—–-]))(?P<who>{_WHO})\.?(?:,[ ](?P<appos>[^,]{{2,90}}),)?[ ]{_ADVERBS}\[?$"
)
_AFTER_CUE = re.compile(rf"[ ](?P<who>{_WHO})(?![\w])")
_ACCORDING = re.compile(
    rf"(?<![\w])(?:[Aa]ccording[ ]to|[Aa]s[ ]reported[ ]by|[Pp]er)[ ]"
    rf"(?:(?:a|an|the)[ ](?:\w+[ ]){{0,3}}?(?:from|by|of)[ ])?"
    rf"(?P<who>{_WHO}|(?:[a-z][\w-]*[ ]){{0,2}}(?:data|figures|estimates|statistics|research))"
)
# how far back (in characters) "the company" looks for the organisation it refers to
_WINDOW = 800
_ACCORDING_WORDS = frozenset(
    ["according to", "According to", "as reported by", "As reported by", "per", "Per"]
)
_REPORTEDLY_WORDS = frozenset(["reportedly", "allegedly", "Reportedly", "Allegedly"])
_REPORTEDLY = re.compile(r"(?<![\w])(?:reportedly|allegedly)(?![\w])")

_STRIP_LEAD = frozenset(
    """but and however yet so still meanwhile now also separately earlier later previously
    instead overall indeed today yesterday on in at last this that when while as after
    before since although though""".split()
)
_GENERIC_ORG = re.compile(
    rf"^(?:the|this|that)[ ](?:[\w’'-]+[ ]){{0,2}}?(?:{'|'.join(ORG_NOUNS)})"
    rf"(?:[ ](?:of|behind)[ ].*)?$",
    re.I,
)
_NOT_NAMES = frozenset(
    """The A An In On At But And However It He She They We I This That These Those Its His
    Her Their Our Yet So Still Meanwhile Now Also AI Monday Tuesday Wednesday Thursday Friday
    Australia Australian Austria Belgium Brazil Canada Denmark Danish Finland Finnish Norway
    Norwegian Spain Spanish Italy Italian Netherlands Dutch Poland Russia Ukraine Turkey Syria
    Israel Iran Korea Mexico Switzerland Swiss Ireland Irish Scotland Wales England Africa
    Asia Europe North South East West Latin America Americas Middle Indiana Texas California
    Virginia Jersey Brussels Andalusia Dublin Madrid Rome Milan Amsterdam Copenhagen Oslo
    Helsinki Vienna Zurich Geneva Sydney Toronto Beijing Shanghai Singapore Seoul Austin
    Washington Chicago Boston Silicon Valley Wall Street Red Sea Europe's US UK EU
    Series Q1 Q2 Q3 Q4 H1 H2 GDP EV EVs SMR Covid Covid-19 COVID-19
    Saturday Sunday January February March April May June July August September October
    November December Europe European America American Asia Africa Sweden Swedish US U.S.
    UK U.K. Britain British China Chinese Germany German France French India Japan Stockholm
    London New York Paris Berlin Tokyo CEO CFO IPO Mr Mrs Ms Dr Prof According Despite
    After Before When While As If Although Though Since Last Next Some Many Most Companies
    Company Firm Other Chatbots Bots""".split()
)
_LEADING_NOISE = frozenset(
    """The A An In On At But And However It He She They We I This That These Those Its His
    Her Their Our Yet So Still Meanwhile Now Also Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday January February March April May June July August September October
    November December According Despite After Before When While As If Although Though Since
    Last Next Some Many Most Mr Mrs Ms Dr Prof""".split()
)
# the capital first, then the look back, so that the regex engine can skip to capitals
_NAME_IN_TEXT = re.compile(
    r"([A-ZÀ-ÖØ-Þ](?<![\w’'].)(?:[\w&'’-]|\.(?=\w))*"
    rf"(?:[ ](?:{_CAP}|of|for|de|van|von|der|&|and(?=[ ][A-Z])))*)"
)
_ORG_SUFFIX = re.compile(
    r"(?:Inc\.?|Corp\.?|Ltd\.?|LLC|plc|AB|AG|SA|Group|Bank|Technologies|Labs|Analytics|"
    r"Holdings|Capital|Partners|Ventures|Motors|Airlines|Systems|Networks|Media|Company)$"
)


def attribute(
    sentence: str,
    text: str = "",
    offset: int = 0,
    *,
    words: set[str] | None = None,
    cues: list[tuple[int, str]] | None = None,
    names: NameIndex | None = None,
) -> tuple[str | None, str | None]:
    """(claimant, cue) of ``sentence``; ``text[:offset]`` is what came before it, used to
    resolve "the company", "it", "he" and "she".

    >>> attribute("Klarna says its assistant does the work of 700 agents.")
    ('Klarna', 'says')
    """
    m = None
    if words is None or words & _ACCORDING_WORDS:
        m = _ACCORDING.search(sentence)
    if m:
        who = _clean(m.group("who"))
        cue = "according to" if "ccording" in m.group(0)[:10] else m.group(0).split()[0].lower()
        if who:
            return _resolve(who, sentence, text, offset, m.start("who"), names), cue
    if cues is None:
        cues = [(c.start(), c.group(0)) for c in _CUE.finditer(sentence)]
    for cs, word in cues:
        if word.lower() not in _CUE_SET:
            continue
        if cs and (sentence[cs - 1].isalnum() or sentence[cs - 1] == "-"):
            continue
        cue = word.lower()
        cue_end = cs + len(word)
        if cue in WEAK_CUES and not _WEAK_OK.match(sentence, cue_end):
            continue
        prefix = sentence[max(0, cs - 140) : cs]
        b = _BEFORE_CUE.search(prefix)
        if b:
            who = _clean(b.group("who"))
            if who and who.endswith(("'s", "’s")):
                who = None  # "Sensor Tower's estimates are based on": a noun, not a cue
            appos = b.group("appos")
            if (
                who
                and appos
                and who.split(" ")[0].lower() in ("its", "the", "a", "an", "their", "his", "her")
                and _PERSON_NAME.fullmatch(appos)
            ):
                # "Its founder, Anita Roy, said": the name, not the role
                who = appos
            if who:
                at = cs - len(prefix) + b.start("who")
                return _resolve(who, sentence, text, offset, at, names), cue
        # inverted: '..., said Sebastian Siemiatkowski' or '"...," said the company'
        if (
            cs >= 2
            and sentence[cs - 2 : cs] in (", ", "” ", '" ', "' ", "’ ")
            or (cs >= 3 and sentence[cs - 3 : cs] in (",” ", '," '))
        ):
            a = _AFTER_CUE.match(sentence, cue_end)
            if (
                a
                and a.group("who") not in ("it", "It")
                or (a and sentence[a.end() :].strip(" .") == "")
            ):
                who = _clean(a.group("who"))
                if who:
                    return _resolve(who, sentence, text, offset, a.start("who"), names), cue
    r = None
    if words is None or words & _REPORTEDLY_WORDS:
        r = _REPORTEDLY.search(sentence)
    if r:
        return None, r.group(0).lower()
    return None, None


# a determiner or pronoun alone ("A report by ...", "Those estimates are ...") asserts nothing
_NOT_CLAIMANTS = frozenset("they we i a an the this that these those".split())
_PERSON_NAME = re.compile(rf"{_CAP}(?:[ ]{_CAP}){{0,3}}")
_TITLES = frozenset(
    """CEO CFO COO CTO Chairman Chairwoman President Founder Co-founder Minister Chancellor
    Governor Senator Secretary Commissioner Mayor Director Chief Executive Analyst Economist
    Spokesperson Spokesman Spokeswoman Prime Sen. Rep. Gov. Dr. Mr. Ms. Mrs. Prof. Dr Mr Ms
    Mrs Prof""".split()
)


def _clean(who: str) -> str | None:
    words = who.split(" ")
    # "Klarna CEO Sebastian Siemiatkowski", "Prime Minister Anthony Albanese": the name
    titled = [i for i, w in enumerate(words) if w in _TITLES]
    if titled and titled[-1] + 1 < len(words) and words[0][:1].isupper():
        words = words[titled[-1] + 1 :]
    # "The IMF": the article is not part of the name
    if len(words) > 1 and words[0] in ("The", "A", "An") and all(w[:1].isupper() for w in words):
        words = words[1:]
    while words and words[0].lower() in _STRIP_LEAD and len(words) > 1:
        words = words[1:]
    if words and words[0].lower() in _STRIP_LEAD:
        return None
    out = " ".join(words).rstrip(".,")
    if out.lower() in _NOT_CLAIMANTS:
        return None
    return out or None


def _resolve(
    who: str, sentence: str, text: str, offset: int, at: int, index: NameIndex | None = None
) -> str | None:
    lw = who.lower()
    if lw in ("it", "he", "she") or _GENERIC_ORG.match(who):
        want = "person" if lw in ("he", "she") else "org"
        # what the sentence names before the reference counts too
        if index is not None and text[offset : offset + len(sentence)] == sentence:
            found = index.last_named(max(0, offset - _WINDOW), offset + at, want)
        else:
            before = text[max(0, offset - _WINDOW) : offset] + " " + sentence[:at]
            found = last_named(before, want)
        if found:
            return found
        if lw in ("it", "he", "she"):
            return None
        return who[0].lower() + who[1:]
    if who[0].isupper() and who.split()[0] in ("The", "A", "An", "This"):
        return who[0].lower() + who[1:]
    return who


def last_named(before: str, want: str = "org") -> str | None:
    """The organisation (or person) most recently named in ``before``.

    A name is a run of capitalised words that is not a sentence opener, a month or day, or a
    common place. It is a person when a role stands next to it ("Siemiatkowski, Klarna's
    chief executive", "CEO Sebastian Siemiatkowski") or when it shares a word with such a
    name; otherwise it counts as an organisation. Names that are the subject of a sentence or
    the source of an attribution ("Klarna said", "according to IDC") win over names in other
    positions ("a round led by Sequoia"); a single capitalised word at the start of a sentence
    counts only if it is capitalised elsewhere too ("Sales rose" is not a name), is
    possessive ("Nvidia's revenue") or attributes something, unless nothing else is found.
    """
    matches = list(_NAME_IN_TEXT.finditer(before))
    roles = list(_ROLE_WORD.finditer(before))
    return _last_named(before, 0, len(before), matches, roles, want)


#: Matches found in a text, and their start offsets (sorted), to bisect.
_Index = tuple[list[re.Match[str]], list[int]]


class NameIndex:
    """The capitalised runs and role words of one text, found in one pass each the first time
    a reference in it is resolved, and shared by every later one."""

    def __init__(self, text: str):
        self.text = text
        self._names: _Index | None = None
        self._roles: _Index | None = None

    def last_named(self, lo: int, hi: int, want: str = "org") -> str | None:
        """:func:`last_named` of ``text[lo:hi]``."""
        if self._names is None or self._roles is None:
            self._names = _index(_NAME_IN_TEXT.finditer(self.text))
            self._roles = _index(_ROLE_WORD.finditer(self.text))
        return _last_named(
            self.text, lo, hi, _within(self._names, lo, hi), _within(self._roles, lo, hi), want
        )


def _index(matches: Iterable[re.Match[str]]) -> _Index:
    found = list(matches)
    return found, [m.start() for m in found]


def _within(index: _Index, lo: int, hi: int) -> list[re.Match[str]]:
    found, starts = index
    return [m for m in found[bisect_left(starts, lo) : bisect_left(starts, hi)] if m.end() <= hi]


def _last_named(
    text: str,
    lo: int,
    hi: int,
    matches: list[re.Match[str]],
    roles: list[re.Match[str]],
    want: str,
) -> str | None:
    if not matches:
        return None
    persons = _person_words(text, lo, hi, roles)
    names: dict[int, tuple[str, bool] | None] = {}

    def name_of(m: re.Match[str]) -> tuple[str, bool] | None:
        """(name, possessive) for a capitalised run, or None when it is not a name."""
        if m.start() in names:
            return names[m.start()]
        raw = m.group(1).rstrip(".")
        cut = _POSSESSIVE.search(raw)
        name = raw[: cut.start()] if cut else raw  # "Klarna's AI" names Klarna
        words = name.split(" ")
        while words and (words[0] in _LEADING_NOISE or words[0].lower() in _STRIP_LEAD):
            words = words[1:]
        while words and words[-1] in ("of", "for", "and", "&", "de", "van", "von", "der"):
            words = words[:-1]
        name = " ".join(words)
        found = None
        if name and name not in _NOT_NAMES and len(name) > 1 and not _DESCRIPTIVE.search(name):
            found = (name, cut is not None)  # not "Stockholm-based", "US-listed"
        names[m.start()] = found
        return found

    mid = None
    fallback = second = None
    for m in reversed(matches):
        found = name_of(m)
        if found is None:
            continue
        name, possessive = found
        is_person = (
            bool(persons)
            and any(w in persons for w in name.split(" "))
            and not _ORG_SUFFIX.search(name)
        )
        if (want == "person") != is_person:
            continue
        if fallback is None:
            fallback = name
        initial = _starts_sentence(text, m.start(), lo)
        claimant = bool(_SAYS_AFTER.match(text, m.end(), hi)) or text.endswith(
            ("according to ", "According to "), lo, m.start()
        )
        ok = not initial or claimant or possessive or " " in name
        if not ok and name[1:] != name[1:].lower():
            ok = True  # "IDC", "McKinsey"
        if not ok:
            if mid is None:
                mid = _mid_words(text, lo, hi)
            ok = name in mid
        if ok:
            if initial or claimant:
                return name
            if second is None:
                second = name
    return second or fallback


_DESCRIPTIVE = re.compile(r"-[a-z]")
_MID_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ](?<=[\w,;:][ ].)[\w&-]*")
_POSSESSIVE = re.compile(r"['’]s?(?:[ ]|$)")
_ROLES_BEFORE_NAME = """CEO CFO COO CTO founder co-founder chairman chairwoman president Mr Mr.
Ms Ms. Mrs Mrs. Dr Dr. Prof Prof. analyst economist spokesperson chief executive""".split()
_ROLES_BEFORE_NAME.append("chief executive")
_ROLES_AFTER_NAME = """chief CEO CFO COO CTO founder co-founder cofounder chairman chairwoman
president spokesperson spokesman spokeswoman analyst economist director head professor minister
secretary partner manager researcher executive""".split()
_ROLE_WORD = re.compile(word_regex([*_ROLES_BEFORE_NAME, *_ROLES_AFTER_NAME]) + r"(?![\w-])")
_NAME_AFTER_ROLE = re.compile(rf"[ ]({_CAP}(?:[ ]{_CAP}){{0,3}})")
_NAME_BEFORE_ROLE = re.compile(
    rf"({_CAP}(?:[ ]{_CAP}){{0,3}}),[ ](?:the[ ]|its[ ]|[A-Z]\w+['’]s[ ])?(?:[\w-]+[ ]){{0,2}}$"
)
_BEFORE_NAME_SET = frozenset(w.lower() for w in _ROLES_BEFORE_NAME)
_AFTER_NAME_SET = frozenset(w.lower() for w in _ROLES_AFTER_NAME)


def _person_words(text: str, lo: int, hi: int, roles: list[re.Match[str]]) -> set[str]:
    """The words of the names in ``text[lo:hi]`` that a role (``roles``: role-word matches)
    marks as people: "CEO Sebastian Siemiatkowski", "Siemiatkowski, Klarna's chief
    executive"."""
    words: set[str] = set()
    for r in roles:
        if r.start() > lo and (text[r.start() - 1].isalnum() or text[r.start() - 1] == "-"):
            continue
        role = r.group(0).lower()
        if role in _BEFORE_NAME_SET:
            a = _NAME_AFTER_ROLE.match(text, r.end(), hi)
            if a and not _ORG_SUFFIX.search(a.group(1)):
                words.update(a.group(1).split(" "))
        if role.split(" ")[0] in _AFTER_NAME_SET:
            b = _NAME_BEFORE_ROLE.search(text, max(lo, r.start() - 70), r.start())
            if b and not _ORG_SUFFIX.search(b.group(1)):
                words.update(b.group(1).split(" "))
    return words


_SAYS_AFTER = re.compile(r"(?:,[^,]{2,60},)?[ ](?:\w+[ ])?" + word_regex(CUE_VERBS) + r"\b")


def _mid_words(text: str, lo: int, hi: int) -> set[str]:
    """Capitalised words that start a name inside a sentence: after a lower-case word or a
    comma ("asked Klarna", "in 2022, Klarna"), not inside a longer name ("Cobalt Freight")."""
    out = set()
    for m in _MID_WORD.finditer(text, lo, hi):
        k = text.rfind(" ", lo, m.start() - 1)
        prev = text[(k + 1 if k >= 0 else lo) : m.start() - 1]
        if prev and (prev[0].islower() or prev[0].isdigit() or prev[-1] in ",;:"):
            out.add(m.group(0))
    return out


def _starts_sentence(text: str, i: int, lo: int = 0) -> bool:
    j = i - 1
    while j >= lo and text[j] in " \t\"'“‘(*>-#_":
        j -= 1
    return j < lo or text[j] in ".!?\n:"
