"""Turn an article (and its place mentions) into incidents: deterministic and explainable.

Pipeline: split sentences -> find an event trigger per sentence (``rules.RULES``), skipping
background, hypothetical and back-reference uses -> date it (``dates``) -> locate it with the most
specific place the sentence (or, for events of the reporting day, its neighbours or the
dateline) ties to it -> actors and fatalities -> merge coreferent mentions (same type, same date,
same area) into one incident.

Each incident's ``rule`` reads ``<rule key>|date:<how>|loc:<how>[|merged:<n>]``, e.g.
``air_strike|date:explicit|loc:in@sentence|merged:4``:

- rule key: the trigger family in ``rules.RULES`` (``air_strike``, ``clash``, ``diplomacy``...);
- ``date:explicit`` (the sentence's own date expression), ``date:assumed`` (no date in the
  sentence: the publication date/dateline is assumed, see ``date_note``), ``date:none``;
- ``loc:<relation>@<where>``: relation ``in`` (governed by in/at/near/on/to...), ``near``
  (near/outskirts/suburbs of: geo_precision at least 2), ``bare`` or ``possessive``; where is
  ``sentence``, ``previous``, ``next`` (a neighbouring sentence) or ``dateline``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gazetteer.coords import haversine_km
from gazetteer.model import COUNTRY_CODES, Place
from mapapp.errors import ArticleError, InvalidInput
from mapapp.geoparse.model import Mention
from mapapp.incidents.actors import DEMONYMS, find_actors
from mapapp.incidents.dates import DateExpr, find_dates, find_reference_date
from mapapp.incidents.fatalities import read_fatalities
from mapapp.incidents.model import Incident, Location, Source
from mapapp.incidents.rules import (
    ATTRIBUTION,
    BACKGROUND,
    CLAUSE_BOUNDARY,
    HYPOTHETICAL,
    REFERENCE_BEFORE,
    RULES,
    RULES_BY_KEY,
    Rule,
)
from mapapp.incidents.sentences import Sentence, sentence_at, split_sentences
from mapapp.store.base import Article

MERGE_RADIUS_KM = 30.0
REGION_CODES = frozenset({"ADM1", "ADM1H", "RGN", "RGNE", "ADM2", "ADMD", "ADM3", "ISLS", "PEN"})

# Finer features first: a neighbourhood inside a city is more specific than the city.
_FINE_RANK = {
    "PPLX": 0, "PPLL": 0, "CMPRF": 0, "CMP": 0, "PPLQ": 0, "AIRP": 0, "MKT": 0, "HSP": 0,
    "PPL": 1, "PPLF": 1, "PPLS": 1, "PPLA4": 1, "PPLA3": 2, "PPLA2": 2, "PPLA": 2, "PPLG": 2,
    "PPLC": 3, "ADM4": 4, "ADM3": 4, "ADMD": 4, "ADM2": 5, "ADM1": 6, "RGN": 6,
}  # fmt: skip
_LOC_PREPS = frozenset(
    [
        "in",
        "at",
        "near",
        "on",
        "outside",
        "around",
        "into",
        "across",
        "inside",
        "within",
        "over",
        "to",
        "toward",
        "towards",
        "through",
        "throughout",
        "along",
        "onto",
        "upon",
    ]
)
_NEAR_PREPS = frozenset(["near", "outside", "around"])
_NEAR_NOUNS = frozenset(["suburb", "suburbs", "outskirts", "vicinity", "environs"])
_OF_NOUNS = frozenset(
    [
        # what happens to or in a place: "control of X", "the shelling of X", "residents of X"
        "control",
        "capture",
        "recapture",
        "seizure",
        "siege",
        "fall",
        "liberation",
        "shelling",
        "bombing",
        "bombardment",
        "invasion",
        "occupation",
        "blockade",
        "residents",
        "people",
        "inhabitants",
        "civilians",
        "suburb",
        "suburbs",
        "outskirts",
        "vicinity",
        "environs",
        "city",
        "town",
        "village",
        "villages",
        "province",
        "region",
        "district",
        "governorate",
        "state",
        "county",
        "heart",
        "centre",
        "center",
        "area",
        "areas",
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "neighbourhood",
        "neighborhood",
        "municipality",
        "territory",
        "port",
        "capital",
        "streets",
    ]
)
_FILLER = frozenset(
    [
        "the",
        "a",
        "an",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "north-eastern",
        "north-western",
        "south-eastern",
        "south-western",
        "north",
        "south",
        "east",
        "west",
        "capital",
        "city",
        "town",
        "village",
        "villages",
        "suburb",
        "suburbs",
        "outskirts",
        "district",
        "province",
        "region",
        "area",
        "areas",
        "neighbourhood",
        "neighborhood",
        "camp",
        "refugee",
        "port",
        "border",
        "besieged",
        "occupied",
        "key",
        "strategic",
        "nearby",
        "county",
        "state",
        "governorate",
        "territory",
        "strip",
        "heart",
        "centre",
        "center",
        "downtown",
        "residential",
        "rural",
        "coastal",
        "frontline",
        "front-line",
        "embattled",
        "war-torn",
        ",",
        "of",
    ]
)
_CONTAINER_AFTER_POSSESSIVE = frozenset(
    [
        "capital",
        "city",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "border",
        "coast",
        "province",
        "region",
        "suburbs",
        "outskirts",
        "largest",
        "second",
        "town",
        "village",
    ]
)
_ACTOR_VERBS = re.compile(
    r"^\s+(?:and\s+(?:[A-Z][\w'’-]*\s+)+)?(?:(?:has|have|had|also|again|reportedly|later|then|itself)\s+)*"
    r"(?:launched|launches|conducted|carried out|struck|strikes|fired|said|says|accused|claimed|"
    r"denied|announced|retaliated|attacked|attacks|bombed|shelled|pounds|pounded|hit|targeted|"
    r"sent|deployed|is|was|will|would|and its|signed|agreed|arrested|detained)\b"
)


@dataclass(slots=True)
class _Candidate:
    mention: Mention
    place: Place
    tier: float  # lower is better: 0 governed in the trigger's clause ... 5 weak in context
    relation: str
    where: str
    precision: int
    distance: int


@dataclass(slots=True)
class _Event:
    rule: Rule
    sentence: Sentence
    trigger: str
    trigger_start: int
    date: dt.date | None
    date_precision: str | None
    date_note: str | None
    date_how: str
    loc: _Candidate
    actors: list[str]
    killed: int | None
    killed_lower: bool
    injured: int | None
    members: list[_Event] = field(default_factory=list)


def _precision(mention: Mention) -> int:
    if mention.precision in (1, 2, 3):
        return int(mention.precision)
    fc = mention.place.feature_code if mention.place else ""
    if fc in COUNTRY_CODES or fc in ("ADM1", "ADM1H", "RGN", "RGNE"):
        return 3
    if fc in ("ADM2", "ADM3", "ADMD", "ADM4"):
        return 2
    return 1


def _is_country(place: Place) -> bool:
    return place.feature_code in COUNTRY_CODES


def _relation(text: str, start: int, end: int, mention: Mention) -> tuple[str, bool]:
    """How the sentence ties the mention at ``text[start:end]`` to an event, and 'near' flag.

    Relations: ``in`` (governed by a locative preposition), ``possessive`` ("Syria's capital"),
    ``bare``; excluded: ``actor`` ("Israel launched", "by Iran"), ``org`` ("Iran's foreign
    ministry", "Iran-linked"), ``attribution`` ("according to a report ... in Iran").
    """
    after = text[end : end + 40]
    before = text[max(0, start - 80) : start]
    for m in ATTRIBUTION.finditer(text):
        if m.start() <= start < m.end():
            return "attribution", False
    if after.startswith(("-", "–")):
        return "org", False  # "Iran-linked", "Iran-China Agreement"
    poss = re.match(r"^(?:['’]s|['’])\s+([\w-]+)", after)
    if poss:
        return (
            "possessive" if poss.group(1).lower() in _CONTAINER_AFTER_POSSESSIVE else "org"
        ), False
    level = _precision(mention)
    if level == 3 and _in_name_chain(before, after):
        return "org", False  # "Iran Supreme Leader", "People's Assembly of Syria"
    if re.search(r"\bby\s+(?:the\s+)?$", before):
        return "actor", False
    if level >= 2 and _ACTOR_VERBS.match(after):
        return "actor", False
    tokens = re.findall(r"[\w'’.-]+|,", before)[::-1][:10]
    near = False
    prev_of = False
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if prev_of:
            if low not in _OF_NOUNS:
                # "the governor of Kharkiv", "a trader of Beni": a title or an origin.
                return "org", False
            # "the suburbs of Damascus" is near Damascus; "Damascus suburb of Mazzeh" is Mazzeh.
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if low in _NEAR_NOUNS and not (nxt[:1].isupper() and nxt.lower() not in _FILLER):
                near = True
            prev_of = False
            continue
        if low == "of":
            prev_of = True
            continue
        if low in _LOC_PREPS:
            return "in", near or low in _NEAR_PREPS
        if low in _FILLER or tok[:1].isupper() or re.fullmatch(r"\d+|km|kilometres|miles", low):
            if low in ("km", "kilometres", "miles"):
                near = True
            continue
        return "bare", False
    return "bare", False


_NOT_NAME = frozenset(
    [
        "and",
        "or",
        "in",
        "on",
        "at",
        "the",
        "a",
        "of",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)


def _in_name_chain(before: str, after: str, *, bare: bool = False) -> bool:
    """A name inside a longer proper name or title, not a place of its own."""
    nxt = re.match(r"^\s+([A-Z][\w'’-]*)", after)
    if nxt and nxt.group(1).lower() not in _NOT_NAME:
        return True
    if bare:
        # The previous word is capitalised and is not the first word of the sentence.
        prev = re.search(r"\S\s+([A-Z][\w'’-]*)\s+$", before)
        if prev and prev.group(1).lower() not in _NOT_NAME | _FILLER | _LOC_PREPS:
            return True
    prev = re.search(r"([A-Z][\w'’-]*)\s+of\s+(?:the\s+)?$", before)
    return bool(prev and prev.group(1).lower() not in _OF_NOUNS | _FILLER | _NOT_NAME)


def _clause(text: str, pos: int) -> str:
    start, end = _clause_bounds(text, pos)
    return text[start:end]


def _find_triggers(s: Sentence) -> list[tuple[Rule, re.Match[str]]]:
    """The first live trigger of each event type, most specific type first."""
    out: list[tuple[Rule, re.Match[str]]] = []
    types: set[str] = set()
    for rule in RULES:
        if rule.event_type in types or (rule.requires and not rule.requires.search(s.text)):
            continue
        for m in rule.pattern.finditer(s.text):
            if REFERENCE_BEFORE.search(s.text[max(0, m.start() - 80) : m.start()]):
                continue
            if HYPOTHETICAL.search(_clause(s.text, m.start())):
                continue
            out.append((rule, m))
            types.add(rule.event_type)
            break
    return out


# Coarser than ``CLAUSE_BOUNDARY``: "and" joins places of one event ("Tyre and Nabatieh").
_LOCALITY_BOUNDARY = re.compile(
    r";|:|\s[-–—]\s|,\s(?=(?:but|while|which|who|whereas|although|when)\b)|"
    r"\s(?=(?:but|while|whereas|although|when|because)\s)"
)


def _clause_bounds(
    text: str, pos: int, boundary: re.Pattern[str] = CLAUSE_BOUNDARY
) -> tuple[int, int]:
    start, end = 0, len(text)
    for m in boundary.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


_REPORTING = re.compile(
    r"\b(?:said|says|told|announced|reported|confirmed|stated|added)\s+(?:\w+\s+){0,2}$", re.I
)


def _is_reporting_date(text: str, d: DateExpr) -> bool:
    """ "officials said on Monday": when it was reported, not when it happened."""
    return bool(_REPORTING.search(text[max(0, d.start - 40) : d.start]))


def _choose_date(
    text: str, dates: list[DateExpr], trigger_pos: int, ref: dt.date | None
) -> tuple[dt.date | None, str | None, str | None, str] | None:
    """(date, precision, note, how), or None when the sentence is historical (year only)."""
    resolved = [d for d in dates if d.date is not None]
    rank = {"day": 0, "week": 1, "month": 2}
    if resolved:
        best = min(
            resolved,
            key=lambda d: (
                _is_reporting_date(text, d),
                rank[d.precision or "month"],
                abs(d.start - trigger_pos),
            ),
        )
        if ref is not None and best.date is not None and best.date > ref + dt.timedelta(days=1):
            return None, None, f"'{best.text}' is after the publication date", "none"
        return best.date, best.precision, None, "explicit"
    if dates:
        if all(d.kind == "year_only" for d in dates):
            return None  # "in 2011", "last year": background, not an event of this article
        nearest = min(dates, key=lambda d: abs(d.start - trigger_pos))
        return None, None, nearest.note, "none"
    if ref is None:
        return None, None, "no date in the sentence and no publication date or dateline", "none"
    return ref, "day", "no date in the sentence: publication date assumed", "assumed"


_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z.'’ -]{1,40}?)(?:,\s*[A-Z][A-Za-z.' -]{1,30})?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*(?:\([A-Za-z .]+\))?\s*[-–—:]\s"
)


def _dateline_mentions(
    sentences: list[Sentence], by_sentence: dict[int, list[Mention]]
) -> list[Mention]:
    for s in sentences[:3]:
        m = _DATELINE.match(s.text)
        if m:
            return [mm for mm in by_sentence.get(s.index, []) if mm.start - s.start < m.end()]
    return []


def _candidates(
    s: Sentence,
    mentions: list[Mention],
    trigger_pos: int,
    *,
    where: str,
    base_tier: int,
    support: dict[str, set[str]],
) -> list[_Candidate]:
    out = []
    clause = (
        _clause_bounds(s.text, trigger_pos, _LOCALITY_BOUNDARY)
        if trigger_pos >= 0
        else (0, len(s.text))
    )
    prev: tuple[int, str, bool] | None = None  # (end, relation, near) of the previous place
    for mention in mentions:
        if mention.kind != "place" or mention.place is None:
            continue
        start, end = mention.start - s.start, mention.end - s.start
        relation, near = _relation(s.text, start, end, mention)
        if prev is not None and s.text[prev[0] : start].strip() == ",":
            # "Austin, Texas": the container shares its town's role (origin, venue, event place).
            relation, near = prev[1], prev[2]
        prev = (end, relation, near)
        if relation in ("actor", "org", "attribution"):
            continue
        if relation != "in":
            # A bare name inside a run of capitalised words is part of a person's or an
            # organisation's name ("Envoy Ali Larijani", "Supreme Leader", "Arab League").
            if _in_name_chain(
                s.text[max(0, start - 60) : start], s.text[end : end + 40], bare=True
            ):
                continue
            if not _supported(mention, support) and mention.score < 0.5:
                continue  # a weak name resolved into a country the document never mentions
        precision = _precision(mention)
        if near and precision == 1:
            precision = 2
        strong = relation == "in" or (relation == "bare" and precision == 1 and where == "sentence")
        tier = base_tier + (0 if relation == "in" else 1 if strong else 3)
        if where == "sentence" and not clause[0] <= start < clause[1]:
            tier += 1.5  # a place in another clause of the sentence ties less
        out.append(
            _Candidate(
                mention,
                mention.place,
                tier,
                "near" if near else relation,
                where,
                precision,
                abs(start - trigger_pos),
            )
        )
    return out


def _finer(a: Place, b: Place) -> bool:
    return _FINE_RANK.get(a.feature_code, 1) < _FINE_RANK.get(b.feature_code, 1)


def _best_candidate(cands: list[_Candidate]) -> _Candidate | None:
    if not cands:
        return None
    top = min(c.tier for c in cands)
    pool = [c for c in cands if c.tier == top]
    best = min(pool, key=lambda c: (c.precision, c.distance))
    # A finer place within the chosen one ("Damascus suburb of Mazzeh") wins.
    for c in sorted(pool, key=lambda c: (c.precision, c.distance)):
        if (
            c is not best
            and c.precision <= best.precision
            and _finer(c.place, best.place)
            and haversine_km(c.place.lat, c.place.lon, best.place.lat, best.place.lon)
            <= MERGE_RADIUS_KM
        ):
            best = c
    return best


def _same_area(a: _Candidate, b: _Candidate, *, radius_km: float = MERGE_RADIUS_KM) -> bool:
    pa, pb = a.place, b.place
    if pa.geonameid == pb.geonameid:
        return True
    for big, small in ((pa, pb), (pb, pa)):
        if _is_country(big) and big.country_code and small.country_code == big.country_code:
            return True
        if (
            big.feature_code in ("ADM1", "ADM1H")
            and big.country_code == small.country_code
            and big.admin1
            and big.admin1 == small.admin1
        ):
            return True
    if a.precision == 3 or b.precision == 3:
        return False
    return haversine_km(pa.lat, pa.lon, pb.lat, pb.lon) <= radius_km


def _specificity(e: _Event) -> tuple[int, int, int]:
    return (e.loc.precision, _FINE_RANK.get(e.loc.place.feature_code, 1), e.sentence.index)


def _dates_compatible(a: _Event, b: _Event, ref: dt.date | None) -> bool:
    """Equal dates; an assumed date (publication day) also fits a stated date of the last week."""
    if a.date == b.date:
        return True
    if "assumed" in (a.date_how, b.date_how) and ref is not None:
        other = b if a.date_how == "assumed" else a
        return (
            other.date_how == "explicit"
            and other.date is not None
            and ref - dt.timedelta(days=7) <= other.date <= ref
        )
    return False


def _merge(events: list[_Event], ref: dt.date | None) -> list[_Event]:
    """Coreferent mentions become one group; the most specific mention leads it."""
    groups: list[_Event] = []
    for e in sorted(events, key=_specificity):
        for g in groups:
            if (
                g.rule.event_type == e.rule.event_type
                and g.rule.sub_event_type == e.rule.sub_event_type
                and all(_dates_compatible(m, e, ref) for m in g.members)
                # places listed in one sentence stay apart (see ``_coordinated``)
                and all(m.sentence.index != e.sentence.index for m in g.members)
                and _same_area(g.loc, e.loc)
            ):
                g.members.append(e)
                break
        else:
            e.members = [e]
            groups.append(e)
    for g in groups:  # a stated date wins over an assumed one
        explicit = [m for m in g.members if m.date_how == "explicit"]
        if explicit and g.date_how != "explicit":
            best = min(explicit, key=lambda m: m.sentence.index)
            g.date, g.date_precision, g.date_note, g.date_how = (
                best.date,
                best.date_precision,
                best.date_note,
                best.date_how,
            )
    return sorted(groups, key=lambda g: min(m.sentence.index for m in g.members))


def _location(c: _Candidate) -> Location:
    p = c.place
    return Location(
        name=p.name,
        lat=p.lat,
        lon=p.lon,
        geonameid=p.geonameid,
        feature_code=p.feature_code,
        admin1=p.admin1 or None,
        country_code=p.country_code or None,
        geo_precision=c.precision,
    )


def incident_id(article_key: str, rule_key: str, place_id: int | None, date: dt.date | None) -> str:
    """Stable id: the same article always yields the same ids."""
    raw = f"{article_key}\x1f{rule_key}\x1f{place_id}\x1f{date.isoformat() if date else '-'}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def _fold(text: str) -> str:
    return " ".join(text.split())


def _to_incident(g: _Event, article: Article, layer: str) -> Incident:
    members = sorted(g.members, key=lambda m: m.sentence.index)
    dated = g
    actors: list[str] = []
    for m in members:
        actors.extend(a for a in m.actors if a not in actors)
    killed = max(members, key=lambda m: (m.killed or -1, not m.killed_lower))
    injured = max((m.injured for m in members if m.injured is not None), default=None)
    rule = f"{g.rule.key}|date:{dated.date_how}|loc:{g.loc.relation}@{g.loc.where}"
    if len(members) > 1:
        rule += f"|merged:{len(members)}"
    return Incident(
        id=incident_id(article.key, g.rule.key, g.loc.place.geonameid, g.date),
        layer=layer,
        event_type=g.rule.event_type,
        sub_event_type=g.rule.sub_event_type,
        location=_location(g.loc),
        event_date=g.date,
        date_precision=dated.date_precision,  # type: ignore[arg-type]
        date_note=dated.date_note,
        actors=actors,
        fatalities=killed.killed,
        fatalities_lower_bound=killed.killed_lower if killed.killed is not None else False,
        sentences=[_fold(m.sentence.text) for m in members],
        rule=rule,
        source=Source(
            url=article.url,
            title=article.title,
            publisher=article.publisher,
            published=article.published,
        ),
        article_id=article.key,  # timestamps are the store's: extraction stays deterministic
        raw={
            "triggers": [m.trigger for m in members],
            "sentence_indexes": [m.sentence.index for m in members],
            "injured": injured,
            "mention": g.loc.mention.text,
        },
    )


def _subject_countries(s: Sentence, mentions: list[Mention], trigger_start: int) -> list[str]:
    """Countries that are the grammatical subject before the trigger ("Israel launched ...")."""
    out = []
    for m in mentions:
        if m.kind != "place" or m.place is None or not _is_country(m.place):
            continue
        start, end = m.start - s.start, m.end - s.start
        if end <= trigger_start and _relation(s.text, start, end, m)[0] == "actor":
            out.append(m.place.name)
    return out


def _as_demonym(m: Mention) -> Mention:
    """A demonym never locates an event, even when a geoparser reports it as a place."""
    if m.kind == "place" and m.text.lower() in DEMONYMS and m.text[:1].isupper():
        return dataclasses.replace(m, kind="demonym")
    return m


def _country_support(mentions: list[Mention]) -> dict[str, set[str]]:
    """Country code -> the distinct surface forms of the document that point into it."""
    support: dict[str, set[str]] = {}
    for m in mentions:
        if m.place is not None and m.place.country_code:
            support.setdefault(m.place.country_code, set()).add(m.text.casefold())
    return support


def _supported(m: Mention, support: dict[str, set[str]]) -> bool:
    """Another name of the document falls in the same country ("Ali" -> Ağrı, Turkey: no)."""
    if m.place is None:
        return False
    if _is_country(m.place):
        return True
    return bool(support.get(m.place.country_code, set()) - {m.text.casefold()})


def _aligned(text: str, m: Mention) -> bool:
    return text[m.start : m.end] == m.text


def _event_for(
    s: Sentence,
    rule: Rule,
    trig: re.Match[str],
    dates: list[DateExpr],
    ref: dt.date | None,
    sentences: list[Sentence],
    by_sentence: dict[int, list[Mention]],
    by_index: dict[int, int],
    dateline: list[Mention],
    support: dict[str, set[str]],
) -> list[_Event]:
    """The events of one trigger (one per place): date, place, actors, fatalities."""
    chosen = _choose_date(s.text, dates, trig.start(), ref)
    if chosen is None:
        return []
    date, precision, note, how = chosen
    own = by_sentence.get(s.index, [])
    cands = _candidates(s, own, trig.start(), where="sentence", base_tier=0, support=support)
    # Neighbours and the dateline may place an event of the reporting day, never an older
    # event with its own date (that one is placed by its own sentence or not at all).
    current = how == "assumed" or (
        ref is not None and date is not None and abs((ref - date).days) <= 1
    )
    if current:
        for where, idx in (("previous", s.index - 1), ("next", s.index + 1)):
            if 0 <= idx < len(sentences) and not BACKGROUND.search(sentences[idx].text):
                nb = sentences[idx]
                if any(d.date not in (None, date) for d in find_dates(nb.text, ref)):
                    continue  # the neighbour is about another day
                cands += _candidates(
                    nb,
                    by_sentence.get(idx, []),
                    -1000,
                    where=where,
                    base_tier=2,
                    support=support,
                )
        for m in dateline:
            host = sentences[by_index[id(m)]]
            cands += [
                c
                for c in _candidates(
                    host, [m], -1000, where="dateline", base_tier=2, support=support
                )
                if c.relation != "in"
            ] or []
    best = _best_candidate(cands)
    if best is None:
        return []
    actors = find_actors(
        s.text,
        trig.start(),
        trig.end(),
        subject_countries=_subject_countries(s, own, trig.start()),
    )
    if rule.key == "takeover" and any(a.startswith("Military Forces of") for a in actors):
        rule = RULES_BY_KEY["retake"]  # state forces taking a place back
    killed, injured = read_fatalities(s.text)
    places = [best, *_coordinated(s, best, cands)]
    return [
        _Event(
            rule=rule,
            sentence=s,
            trigger=trig.group(0),
            trigger_start=trig.start(),
            date=date,
            date_precision=precision,
            date_note=note,
            date_how=how,
            loc=loc,
            actors=actors,
            # A toll is reported for the whole sentence: only the first place carries it.
            killed=killed.value if killed and loc is best else None,
            killed_lower=killed.lower_bound if killed and loc is best else False,
            injured=injured.value if injured and loc is best else None,
        )
        for loc in places
    ]


_COORDINATION = re.compile(
    r"^\s*(?:,\s*(?:and\s+)?|and\s+|as well as\s+|&\s+)(?:the\s+)?"
    r"(?:(?:[\w-]+\s+){0,3}of\s+)?(?:the\s+)?$"
)


def _coordinated(s: Sentence, best: _Candidate, cands: list[_Candidate]) -> list[_Candidate]:
    """Places listed with the chosen one ("struck Tyre and the town of Nabatieh"): ACLED codes
    one event per location, so each distinct place of the list gets its own event."""
    if best.where != "sentence":
        return []
    run = sorted(
        (c for c in cands if c.where == "sentence" and c.tier == best.tier),
        key=lambda c: c.mention.start,
    )
    i = next(k for k, c in enumerate(run) if c is best)
    lo = hi = i
    while lo > 0 and _COORDINATION.match(
        s.text[run[lo - 1].mention.end - s.start : run[lo].mention.start - s.start]
    ):
        lo -= 1
    while hi < len(run) - 1 and _COORDINATION.match(
        s.text[run[hi].mention.end - s.start : run[hi + 1].mention.start - s.start]
    ):
        hi += 1
    out: list[_Candidate] = []
    for c in run[lo : hi + 1]:
        if c is best or c.precision > best.precision:
            continue
        # Named side by side, two places are distinct even when close: only containment merges.
        if any(_same_area(c, other, radius_km=0.0) for other in (best, *out)):
            continue
        out.append(c)
    return out


def _check_article(article: Article, layer: str) -> str:
    if not isinstance(layer, str) or not layer.strip():
        raise InvalidInput("A layer name is required to extract incidents.")
    text = getattr(article, "text", None)
    if not isinstance(text, str):
        raise ArticleError("Article text must be a string.")
    if "\x00" in text:
        raise ArticleError("Article text looks binary (NUL bytes).")
    return text


def extract_incidents(
    article: Article,
    mentions: Sequence[Mention] | None = None,
    *,
    layer: str,
    gazetteer: Any = None,
) -> list[Incident]:
    """Incidents of ``article``; ``mentions`` default to ``geoparse(article.text)``.

    Mention offsets must refer to ``article.text``; mentions whose text does not match are
    ignored rather than misplaced.
    """
    text = _check_article(article, layer)
    if not text.strip():
        return []
    if mentions is None:
        from mapapp.geoparse import geoparse, prepare_text

        # HTML is stripped by the geoparser and its offsets refer to the stripped text: use it.
        text = prepare_text(text)
        mentions = geoparse(text, gazetteer=gazetteer)
    elif mentions and not all(_aligned(text, m) for m in mentions):
        # ``geoparse(html)`` gives offsets into the stripped text: follow them there.
        from mapapp.geoparse.text import looks_like_html, strip_html

        if looks_like_html(text):
            stripped = strip_html(text)
            here = sum(_aligned(text, m) for m in mentions)
            if sum(_aligned(stripped, m) for m in mentions) > here:
                text = stripped
    usable = [_as_demonym(m) for m in mentions if _aligned(text, m)]
    support = _country_support(usable)
    sentences = split_sentences(text)
    ref = article.published or find_reference_date([s.text for s in sentences])
    by_sentence: dict[int, list[Mention]] = {}
    by_index: dict[int, int] = {}
    for m in usable:
        host = sentence_at(sentences, m.start)
        if host is not None:
            by_sentence.setdefault(host.index, []).append(m)
            by_index[id(m)] = host.index
    dateline = _dateline_mentions(sentences, by_sentence)
    events: list[_Event] = []
    last_date: DateExpr | None = None
    for s in sentences:
        dates = find_dates(s.text, ref)
        for d in dates:
            if d.kind == "anaphoric" and last_date is not None:
                d.date, d.precision, d.note = last_date.date, last_date.precision, None
        day_dates = [d for d in dates if d.date is not None and d.precision == "day"]
        if day_dates:
            last_date = day_dates[-1]
        if BACKGROUND.search(s.text):
            continue
        placed: list[int] = []
        for n, (rule, trig) in enumerate(_find_triggers(s)):
            found = _event_for(
                s, rule, trig, dates, ref, sentences, by_sentence, by_index, dateline, support
            )
            if not found:
                continue
            if n and (found[0].loc.tier >= 1 or found[0].loc.place.geonameid in placed):
                continue  # a second event type in one sentence needs its own place
            placed.extend(e.loc.place.geonameid for e in found)
            events.extend(found)
    incidents = [_to_incident(g, article, layer) for g in _merge(events, ref)]
    seen: dict[str, int] = {}
    for inc in incidents:  # two incidents can only share an id by a hash collision of equal keys
        n = seen.get(inc.id, 0)
        seen[inc.id] = n + 1
        if n:
            inc.id = f"{inc.id}-{n}"
    return incidents


__all__ = ["DEMONYMS", "extract_incidents", "incident_id"]
