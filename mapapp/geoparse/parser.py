"""The geoparser: recognise place mentions by gazetteer matching filtered with evidence, then
resolve each to a gazetteer entry by document-level ranking.

Recognition
    Every gazetteer name, demonym and word-list alias (``data/aliases.tsv``: country
    abbreviations, continents, the EU, US state and Canadian province abbreviations) found on
    word boundaries (``matcher``) is a hit. A hit is kept when its surface is capitalised (or
    caseless script), it is not a common word used as one (stoplist, or the same word in lower
    case elsewhere in the document) unless a locative cue precedes it (lower case, or opening the
    sentence: "Village Center" is no cue) or a country/region follows after a comma ("Nelson, New
    Zealand"), and it is not part of a person's name (a title before it, a given name followed by
    a surname, a surname after a given name, a speech verb beside a one-word name: "Nelson says").
    A person's name is a person everywhere in the document; one that is also a prominent place
    stays a place where a cue says so, and a country's name stays the country ("HSBC Malta").
    A compass word before another capitalised word modifies it ("Eastern Ghouta"). Aliases with
    a context rule count only after "Town, " ("Md.") or in a document about their country
    ("BC"). Overlapping hits keep the longest ("Saudi Arabia" over "Saudi", "Gaza Strip" over
    "Gaza"); blocked names (``data/blocked.txt``: "Indian Ocean", "North Africa") that the
    gazetteer lacks hide the names inside them and are no mention themselves.

Resolution
    All occurrences of a name share one sense (one sense per document). Candidates are ranked by a
    prior (feature level: country/continent > region > capital > admin seat > town; population;
    whether the name is the place's main name, with a penalty for another place's alternate name
    and no country bonus for a country's other name: "Salisbury", "Tunis"), a region's big
    namesake city unless the text says the region ("New York" vs "New York state"), then by the
    document's focus countries and admin-1 regions (where its confident mentions fall), nearness
    to the other mentions' places (a place does not confirm itself under another name), and
    local containment patterns ("Tripoli, Lebanon", "the Damascus suburb of Mazzeh", "Mazzeh in
    Damascus"). Two passes: the first, by prior and patterns, gives the focus; the second adds it.
    Given spans (``resolve_spans``) that are no known name resolve through the longest name inside
    them ("Damascus University" is Damascus).
"""

from __future__ import annotations

import math
import re
import weakref
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gazetteer.coords import haversine_km
from gazetteer.errors import UnknownCountry
from gazetteer.model import Place
from gazetteer.world_features import SOURCE as WORLD_FEATURES_SOURCE
from gazetteer.world_regions import SOURCE as WORLD_REGIONS_SOURCE
from mapapp.geoparse.lexicon import Lexicon, fold_name, load_lexicon, package_given_names
from mapapp.geoparse.matcher import OTHER_SCRIPTS, Hit, NameMatcher, load_matcher
from mapapp.geoparse.model import (
    PRECISION_PART_OF_REGION,
    PRECISION_REGION,
    PRECISION_TOWN,
    Candidate,
    Mention,
)
from mapapp.geoparse.text import prepare_text

if TYPE_CHECKING:
    from gazetteer import Gazetteer

# Lower-case words that may sit inside a capitalised place name ("Bosnia and Herzegovina").
CONNECTORS = frozenset(
    [
        "of",
        "the",
        "and",
        "al",
        "el",
        "ad",
        "as",
        "ash",
        "at",
        "az",
        "ar",
        "an",
        "ez",
        "es",
        "de",
        "du",
        "da",
        "do",
        "dos",
        "das",
        "di",
        "del",
        "della",
        "des",
        "la",
        "le",
        "les",
        "los",
        "las",
        "en",
        "y",
        "bin",
        "bani",
        "ibn",
        "abu",
        "um",
        "umm",
        "am",
        "im",
        "an",
        "der",
        "den",
        "von",
        "van",
        "upon",
        "on",
        "sur",
        "sous",
        "aux",
        "au",
    ]
)
# Capitalised words before a name that do not make it a surname ("North Gaza", "In Damascus").
MODIFIERS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "greater",
        "upper",
        "lower",
        "old",
        "new",
        "downtown",
        "rural",
        "metro",
        "inner",
        "outer",
        "occupied",
        "west",
        "east",
        "mid",
        "central",
        "centre",
        "center",
    ]
)
# "X, Y" / "X in Y" / "suburb of Y": Y contains X, also with a compass word before Y ("Tripoli,
# northern Lebanon", "Nabatieh in south Lebanon").
_COMPASS = (
    r"(?:(?:north|south)(?:-?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?|central|mid|far)\s+"
)
_CONTAINED_BETWEEN = re.compile(
    rf"^(?:,\s*(?:{_COMPASS})?|\s+in\s+(?:the\s+)?(?:{_COMPASS})?|\s*\(\s*)$",
    re.IGNORECASE,
)
# "Tripoli, north of Beirut", "Rafah near the Egyptian border": X lies near Y.
_NEAR_BETWEEN = re.compile(
    r"^,?\s+(?:about\s+|some\s+)?(?:\d+\s*(?:km|kilometres|kilometers|miles|mi)\s+)?"
    r"(?:(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of|near|"
    r"outside|close\s+to|next\s+to|on\s+the\s+outskirts\s+of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_CONTAINER_BETWEEN = re.compile(
    r"^\s+(?:suburb|suburbs|district|neighbourhood|neighborhood|area|camp|town|village|city|"
    r"quarter|outskirts|countryside|province|governorate|region)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "the city of Douma", "the outskirts of Aleppo", "residents of Jenin": a place noun (or its
# people, its mayor) before "of" marks a place.
_PLACE_OF = re.compile(
    r"\b(?:city|town|village|suburbs?|province|region|district|outskirts|capital|governorate|"
    r"neighbou?rhood|area|state|county|republic|island|kingdom|port|camp|streets|residents|"
    r"inhabitants|mayor|governor|heart|centre|center)\s+of\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# "University of ", "Bank of ": a capitalised word and "of" right before a name.
_ORG_OF_BEFORE = re.compile(r"\b[A-Z][\w'’.-]*\s+of\s+(?:the\s+)?$")
# "U.S.", "Mr.", "St.": a period that does not end a sentence.
_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.)+|[A-Z][a-z]{0,3}\.")
_SENTENCE_END = re.compile(r"[.!?:;\"“”\n]\s*$")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w’'.-]*)[\s\-]*$")
_WORD_AFTER = re.compile(r"^[\s\-]*([^\W\d_][\w’'-]*)")

LEVEL_PRIOR = {
    "PCLI": 1.0,
    "PCLD": 0.95,
    "PCLIX": 0.95,
    "PCLS": 0.95,
    "PCLF": 0.95,
    "PCL": 0.95,
    "TERR": 0.9,
    "RGN": 0.8,
    "ADM1": 0.75,
    "ADM1H": 0.5,
    "PPLC": 1.0,
    "PPLA": 0.55,
    "PPLG": 0.5,
    "PPLA2": 0.4,
    "PPLA3": 0.3,
    "PPLA4": 0.25,
    "ADM2": 0.35,
    "ADMD": 0.3,
    "ADM3": 0.25,
    "PPLX": 0.2,
    "CMPRF": 0.3,
    # Airports and air bases (gazetteer/airports.py): a full "... Airport" name alone in a
    # sentence clears the single-name bar (0.6 * 0.5 > 0.9 * 0.3), as curated ones do.
    "AIRP": 0.5,
    "AIRB": 0.5,
    "CONT": 1.0,
    # Seas, rivers, ranges (the world-features supplement): news names the big ones.
    "OCN": 1.0,
    "SEA": 0.9,
    "GULF": 0.9,
    "STRT": 0.8,
    "CNL": 0.8,
    "PEN": 0.8,
    "DSRT": 0.8,
    "MTS": 0.7,
    "STM": 0.6,
    "LK": 0.6,
    "BAY": 0.6,
    "ISL": 0.5,
}
NEAR_KM = 150.0
NAMESAKE_CITY_POPULATION = 1_000_000
NAMESAKE_DISTRICT_KM = 50.0  # a town this close to a second-level district of its name is its seat
_REGION_WORD_AFTER = re.compile(
    r"[ \t]+(?:state|province|governorate|region|prefecture|oblast|county)\b", re.IGNORECASE
)
_REGION_WORD_BEFORE = re.compile(
    r"\b(?:state|province|governorate|region|prefecture)\s+of\s+$", re.IGNORECASE
)
MAX_CANDIDATES = 40
COUNTRY_CODES = frozenset({"PCLI", "PCLD", "PCLIX", "PCLS", "PCLF", "PCL", "TERR"})
ADMIN1_CODES = frozenset({"ADM1", "ADM1H"})
REGION_CODES = COUNTRY_CODES | ADMIN1_CODES | {"RGN"}
# The gazetteer's sources of places in no single country: seas, rivers and ranges (some inside one
# country: Siberia), and world regions made of countries.
WORLD_SOURCES = frozenset({WORLD_FEATURES_SOURCE, WORLD_REGIONS_SOURCE})
# Hand-picked news names (neighbourhoods, camps, seas, rivers): distinctive by selection.
HAND_PICKED_SOURCES = frozenset({"curated", WORLD_FEATURES_SOURCE})
# The given names of a gazetteer's parsers, computed once per name automaton (per gazetteer file).
_GIVEN_NAMES: weakref.WeakKeyDictionary[NameMatcher, frozenset[str]] = weakref.WeakKeyDictionary()
# Continents: region precision, but no country of their own (they vote for no focus).
CONTINENT_CODES = frozenset({"CONT"})
# Water bodies, rivers, ranges, deserts, peninsulas: drawn as areas, and no anchor for the nearness
# of towns (their points are label points).
FEATURE_AREA_CODES = frozenset(
    {"OCN", "SEA", "GULF", "BAY", "STRT", "CNL", "STM", "LK", "MTS", "DSRT", "PEN"}
)
AREA_CODES = REGION_CODES | CONTINENT_CODES | FEATURE_AREA_CODES
AIRFIELD_CODES = frozenset({"AIRP", "AIRB"})
# "Heathrow airport", "Mezzeh air base": a lower-case airfield word after a name.
_AIRFIELD_TAIL = re.compile(r"(\s+(?:international\s+)?(?:airport|air\s?base|airfield))$")
# "Jenin refugee camp", "Kerem Shalom crossing": a lower-case camp or crossing word ending a known
# name (the hand-picked camps and crossings carry these forms).
_CAMP_TAIL = re.compile(r"(\s+(?:(?:refugee|displacement|idp)\s+)?camp|\s+(?:border\s+)?crossing)$")
# (used with .match(text, end): anchored at the span's end)
_AIRFIELD_AFTER = re.compile(
    r"\s+(?:international\s+)?(?:airport|air\s?base|airfield)\b", re.IGNORECASE
)
# Words that put an airport's bare name in an aviation context ("flights at Heathrow", "landed at
# Schiphol"): only near one is "Heathrow" the airport rather than Heathrow, Florida.
_AVIATION = re.compile(
    r"\b(?:flights?|flew|airports?|airlines?|airliners?|runways?|terminals?|passengers|landed|"
    r"landing|take-?offs?|took\s+off|taking\s+off|aircraft|planes?|aviation|departures?|arrivals?|"
    r"air\s+traffic)\b",
    re.IGNORECASE,
)
AVIATION_WINDOW = 150  # characters either side of a bare airport name
# One or two capitalised words: the bare name of an airport the gazetteer knows only as
# "<name> Airport" ("Schiphol", "Ben Gurion").
_CAPITALISED_WORDS = re.compile(r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?")
# Words that end or describe many airports' names and are no airport's own name ("City Airport",
# "International Airport").
_GENERIC_AIRFIELD_WORDS = frozenset(
    ["international", "regional", "city", "capital", "national", "municipal", "county", "air"]
)
# "Gainesville, Va.", "SEVERN, Md.", "Walker County (Ga.)": a capitalised word and a comma or an
# opening parenthesis right before an alias.
_AFTER_TOWN_COMMA = re.compile(r"[A-Z][\w'’.-]*(?:,\s*|\s*\()$")
_NUMBER_BEFORE = re.compile(r"\d\s*$")


@dataclass(frozen=True)
class Weights:
    """Scoring weights (tuned on the development part of the corpus only)."""

    level: float = 0.6
    population: float = 0.6
    main_name: float = 0.25
    country: float = 0.6
    region_population: float = 0.5
    curated: float = 0.3
    contained: float = 1.2
    container: float = 0.6
    focus_country: float = 0.4
    focus_admin1: float = 0.3
    admin1_named: float = 0.1
    coordinated: float = 0.3
    known_names: float = 0.1
    nearby: float = 0.6
    nearby_km: float = 80.0
    explicit_focus: float = 1.0
    namesake_city: float = 0.3
    # "the Sumy region", "Washington state": the text names the region, over the town that
    # bears the name as its own.
    region_word: float = 0.6
    alternate_name: float = 0.2
    # A single lower-evidence name (no cue, not a country/region/big town) needs this prior.
    min_prior_single: float = 0.9
    # Multiword capitalised names are rarely accidental ("Khan Younis"): a lower bar.
    multiword_factor: float = 0.3
    temperature: float = 4.0


@dataclass
class _Group:
    """All accepted occurrences of one name in a document (one sense per document)."""

    key: str
    kind: str  # "place" | "demonym"
    hits: list[_Occurrence] = field(default_factory=list)
    candidates: list[Place] = field(default_factory=list)
    bonus: dict[int, dict[str, float]] = field(default_factory=dict)
    best: Place | None = None
    ranked: list[Candidate] = field(default_factory=list)
    cue: bool = False
    probability: float | None = None


@dataclass
class _Occurrence:
    start: int
    end: int
    key: str
    kind: str
    source: str  # "name" | "demonym" | "alias"
    cue: bool = False
    evidence: list[str] = field(default_factory=list)
    form: str = ""  # the alias form (aliases.tsv) an alias occurrence matched
    needs: str = ""  # an ISO country code the document must be about for this alias to count
    # Characters of a lower-case airfield word ending the hit, left out of the mention.
    trim: int = 0


@dataclass(slots=True)
class _Context:
    """The words around a name hit that the evidence rules read (``Geoparser._evidence``)."""

    before: str  # up to 60 characters before the hit
    after: str  # up to 60 characters after it
    prev_word: str  # the word before, folded; "" when it ends another sentence or line
    prev_raw: str  # the word before as written ("" likewise)
    prev_gap: str  # the characters between the word before and the hit
    prev_start: int  # the text offset of the word before, -1 when there is none
    sentence_start: bool  # the hit, or the word before it, opens a sentence or line
    next_word: str  # the word after, folded
    next_raw: str  # the word after as written
    next_gap: str  # the characters between the hit and the word after
    next_start: int  # the text offset of the word after, -1 when there is none
    next_capitalised: bool  # the word after is capitalised and joined by blanks or hyphens

    @classmethod
    def around(cls, text: str, hit: Hit) -> _Context:
        before = text[max(0, hit.start - 60) : hit.start]
        after = text[hit.end : hit.end + 60]
        prev = _WORD_BEFORE.search(before)
        if prev is None:
            prev_word = prev_raw = prev_gap = ""
            prev_start, sentence_start = -1, True
        else:
            prev_raw = prev.group(1)
            prev_gap = before[prev.end() :]
            prev_start = hit.start - len(before) + prev.start(1)
            if (
                _SENTENCE_END.search(prev_gap)
                or "\n" in prev_gap
                or (prev_raw.endswith(".") and not _ABBREVIATION.fullmatch(prev_raw))
            ):
                # The word before ends another sentence or line: this name starts one.
                prev_word, prev_raw, sentence_start = "", "", True
            else:
                prev_word = fold_name(prev_raw)
                sentence_start = bool(_SENTENCE_END.search(before[: prev.start()]))
        nxt = _WORD_AFTER.search(after)
        next_raw = nxt.group(1) if nxt else ""
        next_gap = after[: nxt.start(1)] if nxt else ""
        return cls(
            before=before,
            after=after,
            prev_word=prev_word,
            prev_raw=prev_raw,
            prev_gap=prev_gap,
            prev_start=prev_start,
            sentence_start=sentence_start,
            next_word=fold_name(next_raw),
            next_raw=next_raw,
            next_gap=next_gap,
            next_start=hit.end + nxt.start(1) if nxt else -1,
            next_capitalised=(
                bool(next_raw) and next_raw[0].isupper() and next_gap.strip(" -") == ""
            ),
        )


def precision_of(place: Place, kind: str = "place") -> int:
    """ACLED geo-precision of a resolved place: 1 town or finer, 2 part of a region, 3 region."""
    if kind == "demonym" or place.feature_code in AREA_CODES or not place.country_code:
        return PRECISION_REGION
    if place.feature_class in ("P", "S"):
        return PRECISION_TOWN
    return PRECISION_PART_OF_REGION


class Geoparser:
    """Finds and resolves place mentions against one gazetteer (build once, reuse)."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, weights: Weights | None = None):
        if gazetteer is None:
            from gazetteer import Gazetteer

            gazetteer = Gazetteer()
        self.gazetteer = gazetteer
        self.weights = weights or Weights()
        self.lexicon: Lexicon = load_lexicon()
        self._matcher: NameMatcher | None = None
        self._words = NameMatcher.from_names(
            list(self.lexicon.demonyms)
            + [fold_name(a) for a in self.lexicon.aliases]
            + list(self.lexicon.blocked)
        )
        self._alias_keys = {fold_name(a) for a in self.lexicon.aliases}
        # Inside a given span these yield to another name: common words that are also places,
        # and compass words, which modify the name after them ("Western US"), as in recognition;
        # word-list forms are sure ("US", "Europe").
        self._common_words = (self.lexicon.stopwords | MODIFIERS) - self._alias_keys
        self._target_cache: dict[str, Place | None] = {}
        self._prior_cache: dict[tuple[int, str], tuple[float, dict[str, float]]] = {}
        self._cand_cache: dict[str, list[Place]] = {}
        self._country_cache: dict[str, Place | None] = {}
        self._blocked: frozenset[str] | None = None
        self._name_counts: dict[int, int] = {}
        self._given_names: frozenset[str] | None = None

    @property
    def matcher(self) -> NameMatcher:
        """The name automaton (loaded on first use; shared by parsers of the same file)."""
        if self._matcher is None:
            self._matcher = load_matcher(self.gazetteer)
        return self._matcher

    @property
    def blocked(self) -> frozenset[str]:
        """The blocked names (``data/blocked.txt``) that are neither a demonym nor a name the
        gazetteer knows: a gazetteer with the Indian Ocean resolves it instead of hiding it."""
        if self._blocked is None:
            self._blocked = frozenset(
                key
                for key in self.lexicon.blocked
                if key not in self.lexicon.demonyms and not self._candidates(key)
            )
        return self._blocked

    # -- public API -------------------------------------------------------------------------

    def prepare(self, text: object) -> str:
        """The text offsets refer to: validated, HTML stripped (see ``text.prepare_text``)."""
        return prepare_text(text)

    def parse(self, text: object, *, focus: Sequence[str] | None = None) -> list[Mention]:
        """Find and resolve the place mentions of ``text`` (ordered by ``start``)."""
        text = self.prepare(text)
        return self.parse_prepared(text, focus=focus)

    def parse_prepared(self, text: str, *, focus: Sequence[str] | None = None) -> list[Mention]:
        """As ``parse`` for text already through ``prepare``."""
        occurrences = self.recognise(text)
        return self.resolve(text, occurrences, focus=focus)

    def resolve_spans(
        self, text: str, spans: Sequence[tuple[int, int]], *, focus: Sequence[str] | None = None
    ) -> list[Mention]:
        """Resolve given spans (e.g. gold annotations): recognition is skipped.

        A span that is no name we know as a whole ("Damascus University", "European Commission",
        "Orange County") resolves through the longest name inside it, as in recognition.
        """
        occurrences = []
        for start, end in spans:
            surface = text[start:end]
            occ = self._airfield_occurrence(text, surface, start, end) or self._span_occurrence(
                surface, start, end
            )
            if occ is None:
                occ = self._inner_occurrence(surface, start, end)
            if occ is None:
                occ = _Occurrence(start, end, fold_name(surface), "place", "name")
            occurrences.append(occ)
        return self.resolve(text, occurrences, focus=focus, keep_unresolved=True)

    def _airfield_occurrence(
        self, text: str, surface: str, start: int, end: int
    ) -> _Occurrence | None:
        """A span followed by an airfield word that names an airport with it ("Heathrow" in
        "Heathrow airport") resolves to the airport, as in recognition."""
        after = _AIRFIELD_AFTER.match(text, end)
        if after is None:
            key = self._bare_airfield_key(text, start, end, fold_name(surface))
            if key is None:
                return None
            return _Occurrence(start, end, key, "place", "name", cue=True, evidence=["airfield"])
        key = fold_name(surface + after.group(0))
        if not self._airfield(key):
            return None
        return _Occurrence(start, end, key, "place", "name", cue=True, evidence=["airfield"])

    def _span_occurrence(self, surface: str, start: int, end: int) -> _Occurrence | None:
        key = fold_name(surface)
        if surface in self.lexicon.aliases:
            return _Occurrence(start, end, key, "place", "alias", form=surface)
        if key in self.lexicon.demonyms:
            return _Occurrence(start, end, key, "demonym", "demonym")
        if key and key not in self.lexicon.never and self._candidates(key):
            return _Occurrence(start, end, key, "place", "name")
        return None

    def _inner_occurrence(self, surface: str, start: int, end: int) -> _Occurrence | None:
        """The longest capitalised known name inside a span, resolved for the whole span; a
        common word that is also a place ("University", "Center", "Council") or a compass word
        only when the span holds no other name ("Colorado State University" is Colorado)."""
        hits = self._words.find(surface) + self.matcher.find(surface)
        common = self._common_words
        hits.sort(key=lambda h: (h.key in common, -(h.end - h.start), h.start))
        for hit in hits:
            inner = surface[hit.start : hit.end]
            if not inner[:1].isupper() or hit.key in self.blocked:
                continue
            if surface.startswith(".", hit.end) and inner + "." in self.lexicon.aliases:
                inner += "."  # "Calif." inside "Oakland, Calif."
            occ = self._span_occurrence(inner, start, end)
            if occ is not None and not (occ.source == "name" and len(occ.key) <= 2):
                return occ
        return None

    # -- recognition --------------------------------------------------------------------------

    def recognise(self, text: str) -> list[_Occurrence]:
        """Hits that pass the evidence filters, longest first when they overlap."""
        lex = self.lexicon
        hits = self.matcher.find(text)
        word_hits = self._words.find(text)
        lower_keys = {h.key for h in hits if text[h.start].islower()}
        place_starts: dict[int, list[str]] = {}
        for h in hits:
            place_starts.setdefault(h.start, []).append(h.key)
        titlecase = _TitleCaseLines(text)
        kept: list[_Occurrence] = []
        for hit in word_hits:
            surface = text[hit.start : hit.end]
            if hit.key in self.blocked:
                if surface[:1].isupper():
                    kept.append(_Occurrence(hit.start, hit.end, hit.key, "place", "block"))
                continue
            if hit.key in self._alias_keys:
                occ = self._alias(text, hit)
                if occ is not None:
                    kept.append(occ)
                continue
            if hit.key in lex.demonyms and surface[:1].isupper():
                if _is_language(text, hit):
                    continue
                kept.append(_Occurrence(hit.start, hit.end, hit.key, "demonym", "demonym"))
        for occ in kept:
            if occ.source == "alias":  # "Gainesville, Va.": a region after the comma
                place_starts.setdefault(occ.start, []).append("")
        persons: set[str] = set()
        soft: set[str] = set()  # people's names that are also prominent places
        for hit in hits:
            first = text[hit.start]
            if first.islower() or not first.isalpha():
                continue
            occ = self._evidence(text, hit, lower_keys, place_starts, titlecase, persons, soft)
            if occ is not None:
                kept.append(occ)
        if persons or soft:
            # A name used as part of a person's name anywhere in the document is that person
            # everywhere in it ("Mark Zuckerberg ... Zuckerberg said").
            # A prominent place stays one where a cue says so ("Ashley Sutton" ... "in Sutton").
            kept = [
                o
                for o in kept
                if o.source != "name" or not (o.key in persons or (o.key in soft and not o.cue))
            ]
        if _AVIATION.search(text):
            kept += self._bare_airfields(text, kept, persons | soft)
        for occ in kept:
            # "U.S." / "D.R. Congo": the abbreviation's last period belongs to the mention.
            if text.startswith(".", occ.end) and "." in text[occ.start : occ.end]:
                occ.end += 1
        # Longest first; a shorter hit inside an accepted one is dropped.
        kept.sort(key=lambda o: (-(o.end - o.start), o.start))
        taken = bytearray(len(text) + 1)
        result = []
        for occ in kept:
            if taken.find(1, occ.start, occ.end) != -1:
                continue
            taken[occ.start : occ.end] = b"\x01" * (occ.end - occ.start)
            if occ.source != "block":  # a blocked name hides the names inside it, and itself
                occ.end -= occ.trim
                result.append(occ)
        result.sort(key=lambda o: o.start)
        return result

    def _bare_airfields(
        self, text: str, kept: list[_Occurrence], people: set[str]
    ) -> list[_Occurrence]:
        """Airports named by their bare name near an aviation word ("flights at Heathrow were
        cancelled", "landed at Schiphol"): a recognised minor place of that name becomes the
        airport, and capitalised words that name no place but an airport are added. A prominent
        place keeps its sense ("jets struck Damascus" is the city, not its airport), and a name
        the document uses for a person stays one ("President Kennedy")."""
        windows: list[list[int]] = []  # merged stretches around aviation words
        for match in _AVIATION.finditer(text):
            lo, hi = max(0, match.start() - AVIATION_WINDOW), match.end() + AVIATION_WINDOW
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = hi
            else:
                windows.append([lo, hi])
        taken = bytearray(len(text) + 1)
        for occ in kept:
            taken[occ.start : occ.end] = b"\x01" * (occ.end - occ.start)
            if (
                occ.source == "name"
                and "airfield" not in occ.evidence
                and any(lo <= occ.start and occ.end <= hi for lo, hi in windows)
            ):
                key = self._bare_airfield_key(text, occ.start, occ.end, occ.key)
                if key:
                    occ.key, occ.cue = key, True
                    occ.evidence.append("airfield")
        added = []
        for lo, hi in windows:
            for match in _CAPITALISED_WORDS.finditer(text, lo, min(hi, len(text))):
                start, end = match.span()
                name = fold_name(match.group(0))
                if taken.find(1, start, end) != -1 or set(name.split()) & people:
                    continue
                key = self._bare_airfield_key(text, start, end, name)
                if key:
                    added.append(_Occurrence(start, end, key, "place", "name", True, ["airfield"]))
        return added

    def _bare_airfield_key(self, text: str, start: int, end: int, key: str) -> str | None:
        """The airport key ("heathrow airport") of a bare name at ``start:end``, or None."""
        words = key.split()
        if (
            not words
            or all(w in _GENERIC_AIRFIELD_WORDS for w in words)
            or key in self.lexicon.stopwords
            or key in self.lexicon.demonyms
            or not self._airfield(f"{key} airport")  # mostly a cheap miss: first
            or not _AVIATION.search(
                text, max(0, start - AVIATION_WINDOW), min(len(text), end + AVIATION_WINDOW)
            )
            or self._prominent(key)
        ):
            return None
        return f"{key} airport"

    def _alias(self, text: str, hit: Hit) -> _Occurrence | None:
        """An alias occurrence when the text spells the form exactly and its context holds."""
        aliases = self.lexicon.aliases
        surface = text[hit.start : hit.end]
        end = hit.end
        if text.startswith(".", end) and surface + "." in aliases:
            surface += "."  # "Calif.", "U.S.": the final period is part of the form
            end += 1
        elif surface not in aliases:
            return None
        context = self.lexicon.alias_context.get(surface, "")
        needs = ""
        if context:
            before = text[max(0, hit.start - 40) : hit.start]
            comma = bool(_AFTER_TOWN_COMMA.search(before))
            if context == "comma" and not comma:
                return None
            if context != "comma" and not comma:
                if _NUMBER_BEFORE.search(before):
                    return None  # "300 BC"
                needs = context
        return _Occurrence(hit.start, end, hit.key, "place", "alias", form=surface, needs=needs)

    def _evidence(
        self,
        text: str,
        hit: Hit,
        lower_keys: set[str],
        place_starts: dict[int, list[str]],
        titlecase: _TitleCaseLines,
        persons: set[str],
        soft: set[str],
    ) -> _Occurrence | None:
        """The place occurrence of a capitalised gazetteer-name hit with its evidence, or None
        when the hit is no place mention here.

        ``lower_keys`` are the names the document also writes in lower case, ``place_starts``
        the offsets where some name starts. Names found to be people's are added to ``persons``
        / ``soft`` (see ``_person``): ``recognise`` drops their other occurrences too. The rules
        run in a fixed order because the person rules record names as they reject them.
        """
        trim = self._airfield_trim(text[hit.start : hit.end], hit.key)
        if not self._name_like(text, hit, trim):
            return None
        ctx = _Context.around(text, hit)
        cue = self._cue(hit, ctx, place_starts)
        if self._common_word(hit.key, lower_keys, cue, ctx):
            return None
        if self._person_by_wording(hit.key, ctx, cue, persons, soft):
            return None
        if ctx.next_capitalised and all(w in MODIFIERS for w in hit.key.split()):
            return None  # "Eastern Ghouta", "South Central Ambulance": it modifies the next name
        # In a headline every word is capitalised, so capitalised neighbours say nothing about
        # people there.
        if not titlecase(hit.start) and (
            self._given_name(hit, ctx, place_starts, persons, soft)
            or self._surname(hit, ctx, place_starts, persons, soft)
        ):
            return None
        # The trimmed tail says what the name is: an airfield's or a camp's (or crossing's).
        surface = text[hit.start : hit.end]
        tail = "" if not trim else "airfield" if _AIRFIELD_TAIL.search(surface) else "camp"
        return _place_occurrence(hit, ctx, cue, trim, tail)

    def _airfield_trim(self, surface: str, key: str) -> int:
        """The length of a lower-case airfield word ending an airport's name ("Heathrow
        airport"), or 0: the mention is the name, but the place is the airport, not Heathrow,
        Florida. Likewise a camp or crossing word ending a known camp's or crossing's name
        ("Jenin refugee camp" is the camp)."""
        tail = _AIRFIELD_TAIL.search(surface)
        if tail and tail.start() > 0 and self._airfield(key):
            return len(tail.group(1))
        tail = _CAMP_TAIL.search(surface)
        if tail and tail.start() > 0 and tail.group(1).islower() and self._candidates(key):
            return len(tail.group(1))
        return 0

    def _name_like(self, text: str, hit: Hit, trim: int) -> bool:
        """Whether the hit is spelt as a place name: every content word capitalised ("Gaza
        Strip", "Bosnia and Herzegovina"; the airfield word aside), not a never-place, and no
        abbreviation or acronym."""
        surface = text[hit.start : hit.end]
        key = hit.key
        for word in surface[: len(surface) - trim].replace("-", " ").split():
            if word[0].islower() and fold_name(word) not in CONNECTORS:
                return False
        if key in self.lexicon.never:
            return False
        if len(key) <= 2 or (surface.isupper() and len(key) <= 3 and " " not in key):
            return False  # "AP", "UN", "IT": abbreviations are matched through the alias list
        # "news agency SANA", "KOBE reported": an acronym, not Sanaa or Kobe.
        return not (
            surface.isupper() and len(key) <= 4 and " " not in key and _is_acronym(text, hit)
        )

    def _cue(self, hit: Hit, ctx: _Context, place_starts: dict[int, list[str]]) -> bool:
        """Whether the context says place: a locative word ("in", "near") or "the city of"
        before the name, or a country or region after a comma ("Nelson, New Zealand",
        "Gainesville, Va.")."""
        lex = self.lexicon
        # A capitalised cue word inside a sentence is part of a name ("Village Center", "City
        # Hall", "District Court"), not a cue.
        if (
            ctx.prev_word in lex.locative and (ctx.sentence_start or not ctx.prev_raw[:1].isupper())
        ) or _PLACE_OF.search(ctx.before):
            return True
        if ctx.after[:1] != ",":
            return False
        gap = len(ctx.after) - len(ctx.after[1:].lstrip(" "))
        # "" marks an alias ("Va."): recognise adds it, as aliases are no gazetteer names.
        return any(k == "" or self._is_region(k) for k in place_starts.get(hit.end + gap, ()))

    def _common_word(self, key: str, lower_keys: set[str], cue: bool, ctx: _Context) -> bool:
        """Whether a name is a common word here (stoplist, or a one-word name the document also
        writes in lower case): only a cue inside a sentence makes it a place, as a sentence's
        opening words are capitalised anyway."""
        common = key in self.lexicon.stopwords or (key in lower_keys and " " not in key)
        return common and not (cue and not ctx.sentence_start)

    def _person_by_wording(
        self, key: str, ctx: _Context, cue: bool, persons: set[str], soft: set[str]
    ) -> bool:
        """Whether the words around a name make it a person's: a one-word given name or
        surname that is no prominent place, a title before it, or a speech verb beside it."""
        lex = self.lexicon
        if (
            not cue
            and " " not in key
            and (key in lex.surnames or key in self.given_names)
            and not self._prominent(key)
        ):
            return True  # "Johnson said", "Tyler added": a person unless a cue says place
        if ctx.prev_word in lex.titles and ctx.prev_raw[:1].isupper():
            persons.add(key)
            return True  # "President Assad", "Mr Jordan"
        # A state's name speaks for its government ("Moscow said"): a speech verb does not
        # make it a person.
        if (
            " " not in key
            and not cue
            and (key in self.given_names or key in lex.surnames or not self._prominent(key))
            and not self._state_like(key)
        ):
            speaks = (
                ctx.next_word in lex.speech
                and ctx.next_raw.islower()
                and ctx.next_gap.strip() == ""
            ) or (
                ctx.prev_word in lex.speech
                and ctx.prev_raw.islower()
                and _CLAUSE_END.match(ctx.after)
            )
            if speaks:
                self._person(key, persons, soft)
                return True  # "Nelson says", "said Noma."
        return False

    def _given_name(
        self,
        hit: Hit,
        ctx: _Context,
        place_starts: dict[int, list[str]],
        persons: set[str],
        soft: set[str],
    ) -> bool:
        """Whether a given name opens a person's name with the capitalised word after it
        ("Jordan Peterson", "Ali Larijani", "Mary Ann"); a place starting there keeps them
        apart unless it is also a person's name itself."""
        lex = self.lexicon
        key, next_word = hit.key, ctx.next_word
        next_is_name = (
            ctx.next_capitalised
            and next_word not in lex.organisations
            and next_word not in CONNECTORS
            and next_word not in lex.demonyms
        )
        if key not in self.given_names or not next_is_name:
            return False
        if (
            ctx.next_start not in place_starts
            or next_word in lex.surnames
            or next_word in self.given_names  # "Mary Ann"
        ):
            # The given name stays a place where a cue says so ("Ashley Sutton" ... "in
            # Ashley"): many given names are towns too.
            self._person(next_word, persons, soft)
            self._person(key, soft, soft)
            return True
        return False

    def _surname(
        self,
        hit: Hit,
        ctx: _Context,
        place_starts: dict[int, list[str]],
        persons: set[str],
        soft: set[str],
    ) -> bool:
        """Whether a one-word name is a surname: after a given name ("Ashley Sutton"), after an
        unknown capitalised word ("Ali Larijani") or after "al-" ("Bashar al-Assad")."""
        key = hit.key
        if " " in key:
            return False
        lex = self.lexicon
        prev_word, prev_raw = ctx.prev_word, ctx.prev_raw
        if (
            prev_word in self.given_names
            and prev_raw[:1].isupper()
            and ctx.prev_gap.strip(" ") == ""
        ):
            self._person(key, persons, soft)
            return True
        if (
            not prev_raw[:1].isupper()
            or ctx.sentence_start
            or prev_word in CONNECTORS
            or prev_word in MODIFIERS
            or prev_word in lex.stopwords
            or prev_word in lex.demonyms
            or prev_word in lex.titles
            or prev_word in lex.locative
        ):
            return False
        gap = ctx.prev_gap.strip(" -")
        # Places right after places ("Tehran Iran") are left to the overlap rule, and a
        # country's name stays the country ("HSBC Malta").
        after_unknown_word = (
            gap == "" and ctx.prev_start not in place_starts and not self._country_name(key)
        )
        if not after_unknown_word and gap.lower() not in {"al", "el"}:
            return False
        # A prominent place stays one elsewhere ("HSBC Bank Malta" ... "in Malta",
        # "Connecting California" ... "California Democrats").
        if not self._prominent(key):
            persons.add(key)
        return True

    def _airfield(self, key: str) -> bool:
        """Whether a name is an airport's or an air base's."""
        return any(p.feature_code in AIRFIELD_CODES for p in self._candidates(key))

    @property
    def given_names(self) -> frozenset[str]:
        """Given names that make a name beside a capitalised word a person's ("Zachary Brooks",
        "Tyler added"): the hand list (``firstnames.txt``) and the package's given names
        (``lexicon.package_given_names``) except those first of all places: a name some
        country, region or county, city of 100,000+, or hand-picked place bears ("Atlanta",
        "Montana", "Surrey", "Venice" stay places)."""
        if self._given_names is None:
            names = _GIVEN_NAMES.get(self.matcher)
            if names is None:
                # Latin-script names only: the other scripts' automaton loads on first need.
                names = self.lexicon.first_names | frozenset(
                    key
                    for key in package_given_names()
                    if not OTHER_SCRIPTS.search(key) and not self._first_a_place(key)
                )
                _GIVEN_NAMES[self.matcher] = names
            self._given_names = names
        return self._given_names

    def _first_a_place(self, key: str) -> bool:
        return any(
            p.population >= 100_000
            or p.feature_class == "A"
            or p.source in HAND_PICKED_SOURCES | WORLD_SOURCES
            for p in self._candidates(key)
        )

    def _prominent(self, key: str) -> bool:
        """A name of a country, region, capital or city of 100,000+: rarely only a surname. A
        town's alternate name ("Chen" for Chenzhou) does not make it prominent."""
        return any(
            p.feature_code in COUNTRY_CODES
            or (
                (
                    p.feature_code in REGION_CODES
                    or p.feature_code == "PPLC"
                    or p.population >= 100_000
                )
                and "main_name" in self._prior(p, key)[1]
            )
            for p in self._candidates(key)
        )

    def _country_name(self, key: str) -> bool:
        """Whether ``key`` is a country's own name ("Malta", "Canada")."""
        return any(
            p.feature_code in COUNTRY_CODES and "main_name" in self._prior(p, key)[1]
            for p in self._candidates(key)
        )

    def _person(self, key: str, persons: set[str], soft: set[str]) -> None:
        """Record a name used as a person's: a plain one is a person everywhere in the document,
        a prominent place only where no cue says place, a country's name stays the country's."""
        if self._country_name(key):
            return
        (soft if self._prominent(key) else persons).add(key)

    def _is_region(self, key: str) -> bool:
        """A name of a country or an admin-1 region."""
        return any(p.feature_code in REGION_CODES for p in self._candidates(key))

    def _state_like(self, key: str) -> bool:
        """A name of a country, a region of a million people or a capital: such names speak for
        governments ("Moscow said"), so a speech verb does not make them people."""
        return any(
            p.feature_code in COUNTRY_CODES
            or p.feature_code == "PPLC"
            or (p.feature_code in REGION_CODES and p.population >= 1_000_000)
            for p in self._candidates(key)
        )

    # -- resolution ---------------------------------------------------------------------------

    def _candidates(self, key: str) -> list[Place]:
        cached = self._cand_cache.get(key)
        if cached is not None:
            return cached
        seen: dict[int, Place] = {}
        for norm in self.matcher.norm_names(key):
            for place in self.gazetteer.candidates(norm):
                seen.setdefault(place.geonameid, place)
        result = list(seen.values())
        if len(self._cand_cache) > 50_000:
            self._cand_cache.clear()
        self._cand_cache[key] = result
        return result

    def _count_names(self, groups: list[_Group]) -> None:
        """Fetch the name counts of every ambiguous name's candidates (one query a document)."""
        counter = getattr(self.gazetteer, "name_counts", None)
        missing = {
            p.geonameid
            for g in groups
            if len(g.candidates) > 1
            for p in g.candidates
            if p.geonameid not in self._name_counts
        }
        if counter is None or not missing:
            return
        if len(self._name_counts) > 200_000:
            self._name_counts.clear()
        counts = counter(missing)
        for gid in missing:
            self._name_counts[gid] = counts.get(gid, 0)

    def target_place(self, target: str) -> Place | None:
        """The gazetteer entry of a word-list target (``aliases.tsv``): ``CC`` a country,
        ``CC/Name`` an admin-1 region of CC, ``continent/Name`` a continent, ``world/Name`` a
        place in no single country (a sea, a world region); None if absent."""
        if target in self._target_cache:
            return self._target_cache[target]
        place = None
        if "/" not in target:
            place = self._country(target)
        else:
            from gazetteer.normalize import normalize

            scope, name = target.split("/", 1)
            for cand in self.gazetteer.candidates(normalize(name)):
                if scope == "continent":
                    if cand.feature_code in CONTINENT_CODES:
                        place = cand
                        break
                elif scope == "world":
                    if cand.source in WORLD_SOURCES:
                        place = cand
                        break
                elif cand.feature_code in ADMIN1_CODES | {"RGN"} and cand.country_code == scope:
                    place = cand
                    break
        self._target_cache[target] = place
        return place

    def _country(self, code: str) -> Place | None:
        if code not in self._country_cache:
            try:
                self._country_cache[code] = self.gazetteer.country(code)
            except UnknownCountry:
                self._country_cache[code] = None
        return self._country_cache[code]

    def _prior(self, place: Place, key: str) -> tuple[float, dict[str, float]]:
        cache_key = (place.geonameid, key)
        cached = self._prior_cache.get(cache_key)
        if cached is not None:
            return cached
        w = self.weights
        level = LEVEL_PRIOR.get(place.feature_code, 0.15)
        reasons = {"level": w.level * level}
        # Population tells towns and countries apart; a region's (or a county's: Kent, England
        # over Kent, Washington) counts at half weight, as its level already says it is large
        # ("New York" the city over the state).
        pop = min(1.0, math.log10(max(place.population, 0) + 1) / 7.0)
        if place.feature_class == "P" or place.feature_code in COUNTRY_CODES:
            reasons["population"] = w.population * pop
        elif place.feature_code in REGION_CODES or place.feature_code == "ADM2":
            reasons["population"] = w.population * pop * w.region_population
        if place.feature_code in COUNTRY_CODES:
            reasons["country"] = w.country
        main = {fold_name(place.name)}
        if place.asciiname:
            main.add(fold_name(place.asciiname))
        if key in main or any(fold_name(n) == key for n in _stripped(place.name)):
            reasons["main_name"] = w.main_name
        if place.source in HAND_PICKED_SOURCES:
            reasons["curated"] = w.curated
        total = sum(reasons.values())
        if len(self._prior_cache) > 200_000:
            self._prior_cache.clear()
        self._prior_cache[cache_key] = (total, reasons)
        return total, reasons

    def resolve(
        self,
        text: str,
        occurrences: list[_Occurrence],
        *,
        focus: Sequence[str] | None = None,
        keep_unresolved: bool = False,
    ) -> list[Mention]:
        """Resolve recognised occurrences to places (one sense per name and document)."""
        groups: dict[tuple[str, str, str], _Group] = {}
        order: list[tuple[_Occurrence, _Group]] = []
        # One sense per document: once "Heathrow airport" says the airport, "Heathrow" is it too.
        airfields = {
            fold_name(text[occ.start : occ.end]): occ.key
            for occ in occurrences
            if "airfield" in occ.evidence
        }
        for occ in occurrences:
            if airfields and occ.source == "name" and occ.key in airfields:
                occ.key = airfields[occ.key]
            gkey = (occ.kind, occ.source, occ.key)
            group = groups.get(gkey)
            if group is None:
                group = _Group(occ.key, occ.kind)
                if occ.source == "name":
                    never = occ.key in self.lexicon.never
                    # The gazetteer ranks candidates; the long tail of hamlets sharing a name
                    # is cut so a common name costs bounded time.
                    group.candidates = [] if never else self._candidates(occ.key)[:MAX_CANDIDATES]
                else:
                    target = (
                        self.lexicon.demonyms.get(occ.key)
                        if occ.source == "demonym"
                        else self.lexicon.aliases.get(occ.form)
                    )
                    place = self.target_place(target) if target else None
                    group.candidates = [place] if place else []
                groups[gkey] = group
            group.hits.append(occ)
            group.cue = group.cue or occ.cue
            order.append((occ, group))
        glist = list(groups.values())
        self._count_names(glist)
        self._pattern_bonuses(text, order)
        self._namesake_bonuses(text, glist)
        # Pass 1: prior + local patterns.
        for group in glist:
            self._rank(group, None, [], focus)
        # Document focus from pass 1: countries and admin-1 regions of the confident picks.
        focus_votes = _Focus()
        anchors: list[tuple[_Group, float, float, float]] = []
        for group in glist:
            if group.best is None or group.best.feature_code in CONTINENT_CODES:
                continue
            conf = _confidence(group.ranked)
            if group.best.country_code:  # a sea or a world region votes for no country
                focus_votes.add(group, group.best, conf * len(group.hits))
            if group.best.feature_code not in REGION_CODES | FEATURE_AREA_CODES:
                anchors.append((group, group.best.lat, group.best.lon, conf))
            elif group.best.feature_code in ADMIN1_CODES and group.best.admin1:
                focus_votes.named_admin1s.add((group.best.country_code, group.best.admin1))
        for group in glist:
            # A context-bound alias ("BC") counts only in a document about its country.
            needs = {occ.needs for occ in group.hits}
            if (
                group.best is not None
                and "" not in needs
                and not any(votes_for(focus_votes, group, cc) for cc in needs)
            ):
                group.best, group.ranked, group.candidates = None, [], []
        # Pass 2: add focus and nearness, to every group: a name only one place bears needs the
        # document's support too before it counts without a cue ("Manbij" in a Syria story).
        for group in glist:
            if group.candidates:
                self._rank(group, focus_votes, anchors, focus)
        mentions = []
        for occ, group in order:
            m = self._mention(text, occ, group)
            if m.place is None and not keep_unresolved:
                continue
            if (
                m.place is not None
                and not keep_unresolved
                and occ.source == "name"
                and not group.cue
                and not _strong(group, self)
            ):
                continue
            mentions.append(m)
        return mentions

    def _namesake_bonuses(self, text: str, groups: list[_Group]) -> None:
        """A region and its big city of the same name ("New York"): news means the city, unless
        the text says the region ("New York state", "the state of New York"), which then
        outranks its namesakes."""
        for group in groups:
            regions = [p for p in group.candidates if p.feature_code in ADMIN1_CODES | {"ADM2"}]
            if not regions:
                continue
            if any(_REGION_WORD_AFTER.match(text, occ.end) for occ in group.hits) or any(
                _REGION_WORD_BEFORE.search(text[max(0, occ.start - 30) : occ.start])
                for occ in group.hits
            ):
                # The text says the region: it outranks the region's namesakes ("Red Sea state"
                # is Sudan's state, not the sea).
                for place in regions:
                    group.bonus.setdefault(place.geonameid, {})["region_word"] = (
                        self.weights.region_word
                    )
                continue
            inside = {(p.country_code, p.admin1) for p in regions if p.feature_code != "ADM2"}
            districts = [p for p in regions if p.feature_code == "ADM2"]
            for place in group.candidates:
                if place.feature_class != "P":
                    continue
                if (
                    place.population >= NAMESAKE_CITY_POPULATION
                    and (place.country_code, place.admin1) in inside
                ) or any(
                    # A district named after its town ("Jenin" the governorate and the town):
                    # news means the town, whatever its size.
                    d.country_code == place.country_code
                    and haversine_km(d.lat, d.lon, place.lat, place.lon) <= NAMESAKE_DISTRICT_KM
                    for d in districts
                ):
                    group.bonus.setdefault(place.geonameid, {})["namesake_city"] = (
                        self.weights.namesake_city
                    )

    def _pattern_bonuses(self, text: str, order: list[tuple[_Occurrence, _Group]]) -> None:
        """Containment cues between neighbouring mentions: "X, Y", "X in Y", "the Y suburb of X"."""
        w = self.weights
        # Given spans may come in any order: neighbours are neighbours in the text.
        order = sorted(order, key=lambda pair: pair[0].start)
        for i in range(len(order) - 1):
            occ_a, ga = order[i]
            occ_b, gb = order[i + 1]
            between = text[occ_a.end : occ_b.start]
            if len(between) > 40 or ga is gb:
                continue
            contained = bool(_CONTAINED_BETWEEN.match(between))
            near = not contained and bool(_NEAR_BETWEEN.match(between))
            if (contained or near) and self._inside_a_longer_name(text, occ_a):
                continue  # "University of California, Los Angeles" is no "X, Y"
            if contained or near:
                inner, outer = ga, gb
            elif _CONTAINER_BETWEEN.match(between):
                inner, outer = gb, ga  # "Damascus suburb of Mazzeh" reads outer-first
            elif between.strip().lower() in {"suburb of", "suburbs of"}:
                inner, outer = gb, ga
            elif between.strip().lower() in {"and", "or"} and ga.kind == gb.kind == "place":
                self._coordination_bonus(ga, gb)
                continue
            else:
                continue
            pairs = _containment_pairs(inner.candidates[:60], outer.candidates[:60], near=near)
            for ci, co in pairs:
                inner.bonus.setdefault(ci.geonameid, {})["contained"] = w.contained
                outer.bonus.setdefault(co.geonameid, {})["container"] = w.container

    @staticmethod
    def _inside_a_longer_name(text: str, occ: _Occurrence) -> bool:
        """Whether an occurrence is part of a longer proper name: a given span resolved through
        a name inside it, or a name after "<Capitalised> of" that is no place noun ("University
        of California"; "the city of Aleppo" stays a place)."""
        if fold_name(text[occ.start : occ.end]) != occ.key and occ.source == "name":
            return True
        before = text[max(0, occ.start - 40) : occ.start]
        match = _ORG_OF_BEFORE.search(before)
        return bool(match) and not _PLACE_OF.search(before)

    def _coordination_bonus(self, ga: _Group, gb: _Group) -> None:
        """ "England and Wales", "Texas or Oklahoma": names joined by "and"/"or" are usually of
        one kind and one country, so same-level candidates of the same country support each other
        (the nation of Wales, not the Yorkshire village)."""
        levels_a = {(p.country_code, _level_kind(p)) for p in ga.candidates[:60]}
        levels_b = {(p.country_code, _level_kind(p)) for p in gb.candidates[:60]}
        shared = {k for k in levels_a & levels_b if k[0] and k[1] != "town"}
        if not shared:
            return
        for group in (ga, gb):
            for place in group.candidates[:60]:
                if (place.country_code, _level_kind(place)) in shared:
                    group.bonus.setdefault(place.geonameid, {})["coordinated"] = (
                        self.weights.coordinated
                    )

    def _rank(
        self,
        group: _Group,
        votes: _Focus | None,
        anchors: list[tuple[_Group, float, float, float]],
        focus: Sequence[str] | None,
    ) -> None:
        w = self.weights
        ranked = []
        priors = [self._prior(place, group.key) for place in group.candidates]
        # A name that is some candidate's own name is rarely meant as another's alternate
        # (historic or nick-) name: "Salisbury" is not Harare, "Garden City" not Singapore.
        has_main = any("main_name" in reasons for _, reasons in priors)
        for place, (_prior, reasons) in zip(group.candidates, priors, strict=True):
            reasons = dict(reasons)
            bonus = group.bonus.get(place.geonameid, {})
            # A region the text names with its region word ("the Sumy region") is meant by that
            # name, whichever sense bears it as its main name.
            named_region = "namesake_city" in bonus or "region_word" in bonus
            if has_main and "main_name" not in reasons and not named_region:
                reasons["alternate_name"] = -w.alternate_name
                # A country's other name is no country-level evidence ("Tunis" is the capital
                # before it is an old name of Tunisia).
                reasons.pop("country", None)
            reasons.update(group.bonus.get(place.geonameid, {}))
            names = self._name_counts.get(place.geonameid, 0)
            if names > 1 and w.known_names:
                # Widely known places have names in many languages (Cambridge, England: 50;
                # Cambridge, Maryland: 17), as Mordecai and CLAVIN use alternate-name counts.
                reasons["known_names"] = w.known_names * min(1.0, math.log10(names) / 2.0)
            if focus and place.country_code in focus:
                reasons["explicit_focus"] = w.explicit_focus
            if votes is not None:
                share = votes.country_share(group, place.country_code)
                if share:
                    reasons["focus_country"] = w.focus_country * share
                if place.feature_code not in COUNTRY_CODES:
                    share = votes.admin1_share(group, place.country_code, place.admin1)
                    if share:
                        reasons["focus_admin1"] = w.focus_admin1 * share
                    if (
                        place.feature_code not in ADMIN1_CODES
                        and (place.country_code, place.admin1) in votes.named_admin1s
                    ):
                        # The document names the region this place lies in ("Parkland" in
                        # an article that says "Florida"), however often it names others.
                        reasons["admin1_named"] = w.admin1_named
                near = 0.0
                # Equirectangular distance: exact enough at the scale that matters here
                # (exp(-d / 80 km) is ~0 beyond a few hundred km).
                lat, lon = place.lat, place.lon
                coslat = math.cos(math.radians(lat))
                for other, alat, alon, conf in anchors:
                    if other is group or other.best.geonameid == place.geonameid:
                        # A place does not confirm itself under another name ("Mexico" is
                        # not Mexico City because "Mexico City" is mentioned too).
                        continue
                    dlon = abs(lon - alon)
                    if dlon > 180.0:
                        dlon = 360.0 - dlon
                    d = 111.195 * math.hypot(lat - alat, dlon * coslat)
                    if d < 1000.0:
                        near = max(near, conf * math.exp(-d / w.nearby_km))
                if near and "alternate_name" in reasons:
                    # Another place's own name is no neighbour's confirmation ("Montana" beside
                    # Helena is the state, not Montana City, which "Montana" also names).
                    near *= 0.5
                if near:
                    reasons["nearby"] = w.nearby * near
            ranked.append(Candidate(place, sum(reasons.values()), reasons))
        ranked.sort(key=lambda c: (-c.score, -c.place.population, c.place.geonameid))
        group.ranked = ranked
        group.best = ranked[0].place if ranked else None

    def _mention(self, text: str, occ: _Occurrence, group: _Group) -> Mention:
        start, end = occ.start, occ.end
        if group.best is None:
            return Mention(text[start:end], start, end, kind=occ.kind, raw={"source": occ.source})
        if group.probability is None:
            probs = _softmax([c.score for c in group.ranked[:20]], self.weights.temperature)
            group.probability = probs[0]
        return Mention(
            text=text[start:end],
            start=start,
            end=end,
            kind=occ.kind,  # type: ignore[arg-type]
            place=group.best,
            score=group.probability,
            precision=precision_of(group.best, occ.kind),
            candidates=group.ranked[:5],
            raw={"source": occ.source, "evidence": occ.evidence},
        )


_LANGUAGE_BEFORE = re.compile(r"\b(?:in|speak|speaks|spoke|speaking|into|from)\s+$", re.IGNORECASE)
_LANGUAGE_AFTER = re.compile(r"^[\s-]+(?:language|speaking|speaker|speakers|translation)\b", re.I)


_CLAUSE_END = re.compile(r"^(?:['’]s\b)?\s*(?:[.,;:!?)\"“”]|$)")
_PHRASE_END = re.compile(r"^(?:[,.;:!?)\]]|\s*$|\s+(?:and|or|but|as|to|with)\b)")


def _level_kind(place: Place) -> str:
    """A coarse level for coordination: country, region (admin-1 or -2) or town."""
    if place.feature_code in COUNTRY_CODES:
        return "country"
    if place.feature_code in ADMIN1_CODES | {"ADM2", "RGN"}:
        return "region"
    return "town"


def _is_language(text: str, hit: Hit) -> bool:
    """ "in English", "Arabic-speaking": the demonym names a language, not a country."""
    if _LANGUAGE_AFTER.match(text[hit.end : hit.end + 16]):
        return True
    # "in French," but not "in Israeli airstrikes": the language ends its phrase.
    return bool(_LANGUAGE_BEFORE.search(text[max(0, hit.start - 12) : hit.start])) and bool(
        _PHRASE_END.match(text[hit.end : hit.end + 2])
    )


def _is_acronym(text: str, hit: Hit) -> bool:
    """An all-capital short word inside mixed-case prose is an acronym; at the start of a line
    ("ROME (AP) -", "GAZA, Dec 3") or in an all-capital line it is a dateline or headline."""
    line_start = text.rfind("\n", 0, hit.start) + 1
    if not text[line_start : hit.start].strip(" \t\"“'‘("):
        return False
    line_end = text.find("\n", hit.end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    return any(ch.islower() for ch in line)


def _place_occurrence(hit: Hit, ctx: _Context, cue: bool, trim: int, tail: str = "") -> _Occurrence:
    """An accepted name hit with its evidence: a cue, a possessive ("Syria's"), an airfield or
    camp word after it (``tail``), which says place as a cue does."""
    evidence = []
    if cue:
        evidence.append("cue")
    if ctx.after.startswith(("'s", "’s")):
        evidence.append("possessive")
    if tail:
        evidence.append(tail)
    return _Occurrence(
        hit.start,
        hit.end,
        hit.key,
        "place",
        "name",
        cue=cue or bool(trim),
        evidence=evidence,
        trim=trim,
    )


def votes_for(votes: _Focus, group: _Group, cc: str) -> bool:
    """Whether other mentions of the document fall in country ``cc``."""
    return votes.country_share(group, cc) > 0


def _stripped(name: str) -> list[str]:
    from gazetteer.normalize import normalize

    return [normalize(name)]


def _strong(group: _Group, parser: Geoparser) -> bool:
    """Whether a name without a cue is place-like enough on its own (prior of its best sense)."""
    if group.best is None:
        return False
    if group.ranked and (
        "contained" in group.ranked[0].reasons or "container" in group.ranked[0].reasons
    ):
        return True
    if group.best.source in HAND_PICKED_SOURCES:
        return True
    score = group.ranked[0].score if group.ranked else 0.0
    if " " in group.key:
        return score >= parser.weights.min_prior_single * parser.weights.multiword_factor
    return score >= parser.weights.min_prior_single


def _containment_pairs(
    inner: list[Place], outer: list[Place], *, near: bool = False
) -> list[tuple[Place, Place]]:
    pairs = []
    for co in outer:
        for ci in inner:
            if ci.geonameid == co.geonameid:
                continue
            if _contains(co, ci) or (
                near
                and co.feature_code not in COUNTRY_CODES
                and haversine_km(co.lat, co.lon, ci.lat, ci.lon) < NEAR_KM
            ):
                pairs.append((ci, co))
    return pairs


def _contains(outer: Place, inner: Place) -> bool:
    if outer.feature_code in COUNTRY_CODES:
        return inner.country_code == outer.country_code
    if outer.feature_code in ADMIN1_CODES:
        return inner.country_code == outer.country_code and inner.admin1 == outer.admin1
    if inner.parent_id is not None and inner.parent_id == outer.geonameid:
        return True
    if outer.feature_code == "RGN":
        return inner.country_code == outer.country_code and (
            haversine_km(outer.lat, outer.lon, inner.lat, inner.lon) < 80
        )
    return (
        inner.country_code == outer.country_code
        and haversine_km(outer.lat, outer.lon, inner.lat, inner.lon) < 40
    )


def _softmax(scores: list[float], temperature: float) -> list[float]:
    if not scores:
        return []
    top = max(scores)
    exps = [math.exp((s - top) * temperature) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def _confidence(ranked: list[Candidate]) -> float:
    if not ranked:
        return 0.0
    if len(ranked) == 1:
        return 1.0
    return min(1.0, max(0.0, ranked[0].score - ranked[1].score) / 0.5)


class _Focus:
    """Where the document's confident mentions fall; a name's own vote is left out of its share
    so a wrong first guess cannot confirm itself."""

    def __init__(self) -> None:
        self.countries: dict[str, float] = defaultdict(float)
        self.admin1s: dict[tuple[str, str], float] = defaultdict(float)
        self.own: dict[int, tuple[Place, float]] = {}
        self.ctotal = 0.0
        self.atotal = 0.0
        self.named_admin1s: set[tuple[str, str]] = set()  # admin-1 regions the text names

    def add(self, group: _Group, place: Place, weight: float) -> None:
        self.own[id(group)] = (place, weight)
        self.countries[place.country_code] += weight
        self.ctotal += weight
        if place.feature_code not in COUNTRY_CODES and place.admin1:
            self.admin1s[(place.country_code, place.admin1)] += weight
            self.atotal += weight

    def country_share(self, group: _Group, cc: str) -> float:
        own, weight = self.own.get(id(group), (None, 0.0))
        total = self.ctotal - weight
        if total <= 0:
            return 0.0
        votes = self.countries.get(cc, 0.0) - (weight if own and own.country_code == cc else 0.0)
        return max(0.0, votes) / total

    def admin1_share(self, group: _Group, cc: str, admin1: str) -> float:
        if not admin1:
            return 0.0
        own, weight = self.own.get(id(group), (None, 0.0))
        mine = own is not None and own.feature_code not in COUNTRY_CODES and bool(own.admin1)
        total = self.atotal - (weight if mine else 0.0)
        if total <= 0:
            return 0.0
        votes = self.admin1s.get((cc, admin1), 0.0)
        if mine and (own.country_code, own.admin1) == (cc, admin1):
            votes -= weight
        return max(0.0, votes) / total


class _TitleCaseLines:
    """Whether a position lies in a headline-style line (most words capitalised): capitalisation
    says nothing there, so the person-name rules are off."""

    _WORD = re.compile(r"[^\W\d_]+")

    def __init__(self, text: str):
        self._text = text
        self._cache: dict[int, bool] = {}

    def __call__(self, pos: int) -> bool:
        text = self._text
        start = text.rfind("\n", 0, pos) + 1
        if start in self._cache:
            return self._cache[start]
        end = text.find("\n", pos)
        line = text[start : end if end != -1 else len(text)]
        words = [w for w in self._WORD.findall(line[:400]) if len(w) > 3]
        result = len(words) >= 5 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)
        self._cache[start] = result
        return result
