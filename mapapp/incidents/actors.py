"""Actors named in an event sentence, in ACLED's naming style where it fits.

State forces come from a demonym or country next to the trigger ("Israeli airstrikes",
"Russian forces", "Israel launched"): "Military Forces of Israel". Named armed groups come from
``data/actors.json`` (name patterns -> canonical ACLED-like name). A group right after
"targeting", "against", "headquarters of"... is a target, not an actor, and is left out.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

# Lower-case demonym -> country name used in actor names.
DEMONYMS = {
    "israeli": "Israel", "russian": "Russia", "ukrainian": "Ukraine", "sudanese": "Sudan",
    "syrian": "Syria", "iranian": "Iran", "american": "United States", "u.s.": "United States",
    "us": "United States", "congolese": "Democratic Republic of Congo", "turkish": "Turkey",
    "lebanese": "Lebanon", "palestinian": "Palestine", "yemeni": "Yemen", "iraqi": "Iraq",
    "egyptian": "Egypt", "saudi": "Saudi Arabia", "jordanian": "Jordan", "malian": "Mali",
    "nigerian": "Nigeria", "somali": "Somalia", "ethiopian": "Ethiopia", "afghan": "Afghanistan",
    "pakistani": "Pakistan", "indian": "India", "burkinabe": "Burkina Faso", "libyan": "Libya",
    "rwandan": "Rwanda", "ugandan": "Uganda", "burundian": "Burundi", "kenyan": "Kenya",
    "myanmar": "Myanmar", "chinese": "China", "french": "France", "british": "United Kingdom",
    "belarusian": "Belarus", "georgian": "Georgia", "armenian": "Armenia", "azerbaijani": "Azerbaijan",
    "chadian": "Chad", "nigerien": "Niger", "cameroonian": "Cameroon", "mozambican": "Mozambique",
    "colombian": "Colombia", "mexican": "Mexico", "haitian": "Haiti", "venezuelan": "Venezuela",
}  # fmt: skip
# Nouns that make a preceding demonym/country a state actor.
FORCE_NOUNS = (
    r"(?:forces|force|troops|army|military|soldiers|navy|air force|warplanes|jets|aircraft|"
    r"drones?|artillery|gunboats|police|security forces|air ?strikes?|strikes?|shelling|missiles?|"
    r"raids?|tanks|militias?|fighters|defence forces|defense forces)"
)
_TARGET_BEFORE = re.compile(
    r"(?:target(?:ed|ing|s)?|against|headquarters of|positions of|assets of|members of|"
    r"commanders? of|leaders? of|on|hit|struck|killed|killing|toward|towards)\s+(?:the\s+)?"
    r"(?:[\w'-]+\s+){0,3}$",
    re.I,
)


@lru_cache(maxsize=1)
def named_groups() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, canonical name) pairs from ``data/actors.json``, longest names first."""
    data = json.loads(resources.files("mapapp.incidents").joinpath("data/actors.json").read_text())
    pairs = []
    for canonical, names in data["groups"].items():
        for name in names:
            flags = 0 if name.isupper() else re.I  # acronyms are case-sensitive ("RSF", "IS")
            pairs.append(
                (re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", flags), canonical)
            )
    pairs.sort(key=lambda p: -len(p[0].pattern))
    return pairs


def state_actor(country: str, noun: str) -> str:
    noun = noun.lower()
    if "police" in noun:
        return f"Police Forces of {country}"
    if "militia" in noun:
        return f"Militia ({country})"
    return f"Military Forces of {country}"


def find_actors(
    sentence: str,
    trigger_start: int,
    trigger_end: int,
    *,
    subject_countries: list[str] | None = None,
) -> list[str]:
    """Actors of the event whose trigger is at ``sentence[trigger_start:trigger_end]``."""
    actors: list[str] = []

    def add(name: str) -> None:
        if name not in actors:
            actors.append(name)

    # Demonym + force noun anywhere in the sentence ("Israeli airstrikes", "Russian troops").
    for m in re.finditer(
        r"\b(?P<dem>" + "|".join(re.escape(d) for d in DEMONYMS) + r")(?:-led)?\s+"
        r"(?:(?:state|government|military|armed|special|backed|led|\w+-backed)\s+)?"
        r"(?P<noun>" + FORCE_NOUNS + r")\b",
        sentence,
        re.I,
    ):
        dem = m.group("dem")
        if dem in ("us", "US") and dem != "US":
            continue  # the pronoun "us"
        if (
            _TARGET_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()])
            and m.start() > trigger_end
        ):
            continue
        add(state_actor(DEMONYMS[dem.lower()], m.group("noun")))
    # "Israel's military", "Sudan's army".
    for m in re.finditer(
        r"\b(?P<c>[A-Z][a-z]+(?: [A-Z][a-z]+)?)['’]s\s+(?P<noun>" + FORCE_NOUNS + r")\b", sentence
    ):
        if m.group("c") in DEMONYMS.values():
            add(state_actor(m.group("c"), m.group("noun")))
    for country in subject_countries or []:
        add(f"Military Forces of {country}")
    for pat, canonical in named_groups():
        for m in pat.finditer(sentence):
            if _TARGET_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()]):
                continue
            add(canonical)
            break
    return actors
