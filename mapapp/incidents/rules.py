"""Trigger rules per ACLED event type and sub-event type, and the cues that veto them.

A rule's ``key`` ("air_strike", "clash", "protest"...) is what an incident's ``rule`` starts with,
so every incident can be traced to the pattern that fired. Patterns are case-insensitive regexes
over one sentence. Rules are ordered by specificity: when several fire in one sentence, the first
(most specific ACLED type: explosions > battles > violence against civilians > riots > protests >
strategic developments) wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    event_type: str
    sub_event_type: str
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None = None  # the sentence must also match this


def _r(key: str, event_type: str, sub: str, pattern: str, requires: str | None = None) -> Rule:
    return Rule(
        key,
        event_type,
        sub,
        re.compile(pattern, re.I),
        re.compile(requires, re.I) if requires else None,
    )


EXP = "Explosions/Remote violence"
BAT = "Battles"
VAC = "Violence against civilians"
PRO = "Protests"
RIO = "Riots"
STR = "Strategic developments"

# Demonym/actor adjectives that make a bare "strike" military ("an Israeli strike").
_MIL_ADJ = (
    r"(?:israeli|russian|ukrainian|american|u\.s\.|us|us-led|coalition|syrian|turkish|saudi|"
    r"saudi-led|sudanese|iranian|houthi|army|military|government|regime|enemy|aerial|"
    r"precision|deadly|fresh|new|overnight|pre-dawn)"
)

RULES: tuple[Rule, ...] = (
    _r(
        "suicide_bomb",
        EXP,
        "Suicide bomb",
        r"\bsuicide (?:bomb(?:er|ing|s)?|attack(?:er|s)?|car bomb|vest)\b",
    ),
    _r(
        "air_strike",
        EXP,
        "Air/drone strike",
        r"\b(?:air[- ]?strikes?|air[- ]?raids?|drone (?:strikes?|attacks?)|warplanes?|"
        r"fighter jets?|helicopter gunships?|bombed from the air|aerial (?:bombardment|attacks?|"
        r"bombing|bombs?)|struck by (?:a )?drones?|(?:kamikaze|attack|armed) drones?|"
        r"(?:guided|glide|gliding|barrel|cluster) bombs?|bombs? (?:was |were )?dropped|"
        + _MIL_ADJ
        + r" (?:air |drone )?strikes?|strikes? (?:on|against|targeting|targeted|hit|struck|killed)"
        r"|(?:jets|aircraft|drones?) (?:struck|bombed|hit|pounded|targeted))\b",
    ),
    _r(
        "shelling",
        EXP,
        "Shelling/artillery/missile attack",
        r"\b(?:shelling|shelled|shells (?:hit|landed|fell|struck|slammed)|"
        r"artillery (?:fire|shells?|strikes?|attacks?|barrages?|bombardment)|"
        r"mortar (?:fire|shells?|rounds?|attacks?|bombs?)|mortars (?:hit|struck|landed|fell)|"
        r"rocket (?:fire|attacks?|strikes?|barrages?)|rockets (?:hit|struck|landed|fell|slammed|"
        r"were fired|rained)|"
        r"(?:ballistic |cruise |guided )?missiles? (?:attacks?|strikes?|hit|struck|slammed|"
        r"landed|targeting|targeted|were fired|was fired)|ballistic missiles|cruise missiles|"
        r"fired (?:rockets|missiles|mortars)|bombardment)\b",
    ),
    _r("grenade", EXP, "Grenade", r"\bgrenades?\b"),
    _r(
        "remote_explosive",
        EXP,
        "Remote explosive/landmine/IED",
        r"\b(?:ieds?|improvised explosive devices?|car bombs?|roadside bombs?|land ?mines?|"
        r"explosive devices?|explosions?|blasts?|bomb (?:exploded|went off|blast)|"
        r"bombs? (?:exploded|detonated)|detonated)\b",
    ),
    _r(
        "retake",
        BAT,
        "Government regains territory",
        r"\b(?:recaptur(?:ed|es)|retook|retaken|regained control|liberated)\b",
    ),
    _r(
        "takeover",
        BAT,
        "Non-state actor overtakes territory",
        r"\b(?:captured|seized|took (?:full )?control of|taken control of|overran|stormed)\s+"
        r"(?:the\s+)?(?:(?:town|city|village|district|base|area|airport|region|strategic|key)\b|"
        r"(?-i:[A-Z]))",
    ),
    _r(
        "clash",
        BAT,
        "Armed clash",
        r"\b(?:clash(?:es|ed)?|heavy fighting|fighting (?:between|in|erupted|broke out|raged)|"
        r"fought|gun ?fights?|gun ?battles?|firefights?|exchanges? of fire|exchanged fire|"
        r"ambush(?:ed)?|battled?|skirmish(?:es)?)\b",
    ),
    _r(
        "sexual_violence",
        VAC,
        "Sexual violence",
        r"\b(?:(?:gang-)?raped|sexually (?:assaulted|abused)|sexual violence against)\b",
    ),
    _r(
        "abduction",
        VAC,
        "Abduction/forced disappearance",
        r"\b(?:abduct(?:ed|ion|ions)|kidnap(?:ped|ping|pings)?|taken hostage|forcibly disappeared)\b",
    ),
    _r(
        "attack_civilians",
        VAC,
        "Attack",
        r"\b(?:massacre[ds]?|executed|execution|kill(?:ed|ing) (?:\w+ ){0,3}civilians|"
        r"civilians (?:were |have been )?(?:killed|shot|murdered)|gunmen|shot dead|murdered|"
        r"attacked (?:a |the )?(?:villages?|villagers|civilians|market|displacement camp)|"
        r"(?:stormed|raided|torched) (?:a |the |several |two |three )?villages?)\b",
    ),
    _r(
        "excessive_force",
        PRO,
        "Excessive force against protesters",
        r"\b(?:(?:opened fire|fired live (?:rounds|ammunition)) on (?:\w+ ){0,2}(?:protesters|demonstrators|crowds?)|"
        r"(?:protesters|demonstrators) (?:were )?(?:shot|killed))\b",
    ),
    _r(
        "riot",
        RIO,
        "Violent demonstration",
        r"\b(?:riot(?:s|ers|ing|ed)?|violent (?:protests?|demonstrations?)|"
        r"(?:protesters|demonstrators) (?:torched|set fire|threw stones|hurled stones|burned))\b",
    ),
    _r("mob", RIO, "Mob violence", r"\b(?:mob|lynch(?:ed|ing)?|vigilantes?)\b"),
    _r(
        "protest_intervention",
        PRO,
        "Protest with intervention",
        r"\b(?:(?:dispersed|broke up) (?:\w+ ){0,2}(?:protest|demonstration|rally|crowd|protesters|demonstrators)|"
        r"tear ?gas|water cannons?|(?:arrested|detained|rounded up) (?:\w+ ){0,2}(?:protesters|demonstrators))\b",
    ),
    _r(
        "protest",
        PRO,
        "Peaceful protest",
        r"\b(?:protest(?:s|ed|ers|ing)?|demonstrat(?:ion|ions|ors|ed)|rall(?:y|ies|ied)|"
        r"marched|sit-ins?|took to the streets|staged a (?:march|strike|walkout)|"
        r"general strike|went on strike)\b",
    ),
    _r(
        "arrests",
        STR,
        "Arrests",
        r"\b(?:arrest(?:ed|s)|detained|detention of|rounded up|taken into custody)\b",
        # ACLED codes arrests of politically significant people, not ordinary crime.
        requires=r"\b(?:activists?|opposition|protesters|demonstrators|journalists?|militants?|"
        r"rebels?|fighters|insurgents|dissidents?|critics?|lawyers|politicians?|lawmakers?|"
        r"leaders?|officials?|members of|suspected (?:members|militants|fighters)|"
        r"candidates?|students|party|movement|human rights|terror\w*|jihadists?)\b",
    ),
    _r(
        "agreement",
        STR,
        "Agreement",
        r"\b(?:(?:signed|reached|agreed (?:to|on)|announced|brokered) (?:a |an |the )?"
        r"(?:\w+ ){0,2}(?:ceasefire|cease-fire|truce|peace (?:deal|agreement)|agreement|deal|"
        r"accord)|(?:ceasefire|truce) (?:took effect|came into (?:force|effect)|was signed))\b",
    ),
    _r(
        "headquarters",
        STR,
        "Headquarters or base established",
        r"\b(?:(?:established|set up|opened) (?:a |an |the |its |their )?(?:new )?"
        r"(?:military )?(?:base|headquarters|outpost|checkpoint|camp))\b",
    ),
    _r(
        "looting",
        STR,
        "Looting/property destruction",
        r"\b(?:loot(?:ed|ing)|pillag(?:ed|ing)|torched|burned down|set ablaze|razed)\b",
    ),
    _r(
        "disrupted_weapons",
        STR,
        "Disrupted weapons use",
        r"\b(?:(?:intercepted|shot down|downed) (?:\w+ ){0,3}(?:missiles?|drones?|rockets?)|"
        r"defused|dismantled (?:an? )?(?:ied|explosive device|bomb))\b",
    ),
    _r(
        "territory_transfer",
        STR,
        "Non-violent transfer of territory",
        r"\b(?:withdrew from|pulled out of|handed over control|retreated from)\b",
    ),
    _r(
        "diplomacy",
        STR,
        "Other",
        r"\b(?:met with|meeting with|held talks|talks with|visited|visit to|arrived in|"
        r"arrives in|travell?ed to|landed in)\b",
        # Only meetings of political or military figures are strategic developments.
        requires=r"\b(?:envoy|minister|president|premier|prime minister|foreign|delegation|"
        r"ambassador|diplomat\w*|king|crown prince|emir|secretary|chancellor|speaker|"
        r"commander|general|mediators?|negotiators?|officials)\b",
    ),
)
RULES_BY_KEY = {r.key: r for r in RULES}

# --- vetoes -----------------------------------------------------------------------------------
# Background statements: the whole sentence describes a pattern over time, not an event.
BACKGROUND = re.compile(
    r"\b(?:for (?:years|decades|months)|over the (?:past|last) (?:\w+ )?(?:years?|months|decades?)|"
    r"in recent (?:years|months|weeks)|in the past|since (?:19|20)\d\d|since the start|"
    r"repeatedly|previously|has long|have long|historically|in the history of|"
    r"routinely|regularly|frequently|often|"
    r"earlier (?:\w+ )?(?:operations|attacks|strikes|raids|incidents|clashes|offensives?))\b",
    re.I,
)
# Hypothetical, intended or future events: checked in the clause of the trigger.
# Case-sensitive on purpose: "May" is a month, "may" a modal.
HYPOTHETICAL = re.compile(
    r"\b(?:will|would|could|might|may|shall|should|if|unless|whether)\b|"
    r"\b(?:is|are|was|were) (?:due|expected|set|scheduled|planning|preparing|poised|likely) to\b|"
    r"\b(?:plans?|planned|planning|threat(?:en|ened|ens)?|vow(?:ed|s)?|pledg(?:ed|es)|"
    r"intends?|intended|promised|warn(?:ed|s|ing)?|call(?:ed|s)? for|urged|demanded|"
    r"fears? of|risk of|possible|potential|alleged plot)\b",
    re.I,
)
# A noun trigger right after these refers to an earlier, already known event ("following the
# October 7 attack", "retaliation for its attack"): a reference, not a report.
REFERENCE_BEFORE = re.compile(
    r"\b(?:after|following|since|before|prior to|in response to|retaliation for|response to|"
    r"for|like|similar to|anniversary of|earlier|previous|past|recent|last year's)"
    r"(?: (?:the|a|an|its|their|his|her|this|that|these|those|[A-Z][\w']*'?s?|\w+'s|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?: \d{1,2})?|\d{1,2}|deadly|massive|major|direct|last|recent))* ?$"
)
# Clause boundaries for the hypothetical check.
CLAUSE_BOUNDARY = re.compile(
    r";|:|\s[-–—]\s|,\s(?=(?:and|but|while|which|who|whereas|although|as|when)\b)|"
    r"\s(?=(?:but|while|whereas|although|as|when|and|because|so)\s)"
)
# Attribution clauses are not where the event happened ("according to a report by X in Iran").
ATTRIBUTION = re.compile(
    r"\baccording to [^,.;]*|\b(?:reported|said|told|quoted|cited) by [^,.;]*|"
    r"\b(?:news agency|agency|website|broadcaster|newspaper|outlet|channel|radio|television|tv)"
    r"(?:\s+\w+)?\s+(?:in|based in|from)(?:\s+(?:the\s+)?[A-Z][\w'-]*){1,3}",
    re.I,
)
