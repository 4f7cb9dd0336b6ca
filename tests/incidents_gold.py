"""A small annotated article set for incident extraction, and a tiny stand-in geoparser.

Each article is short, written for these tests, with its gold events (ACLED event type, the
place the event is located at, and its date, or no events for background-only articles).
``mentions_for(text)`` finds place/demonym mentions by exact name matching against ``PLACES``
(real GeoNames ids/coordinates where known), so the extraction rules are measured independently
of the real geoparser; the benchmark also runs the same set through the real geoparser.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from gazetteer.model import Place
from mapapp.geoparse.model import Mention


def _p(
    gid: int, name: str, lat: float, lon: float, fcode: str, cc: str, admin1: str = "", pop: int = 0
) -> Place:
    fclass = "A" if fcode.startswith(("PCL", "ADM", "RGN")) else "P"
    return Place(gid, name, lat, lon, fclass, fcode, cc, admin1, pop)


SYRIA = _p(163843, "Syria", 35.0, 38.0, "PCLI", "SY", "", 22_933_531)
IRAN = _p(130758, "Iran", 32.0, 53.0, "PCLI", "IR", "", 81_800_269)
IRAQ = _p(99237, "Iraq", 33.0, 44.0, "PCLI", "IQ", "", 38_433_600)
ISRAEL = _p(294640, "Israel", 31.5, 34.75, "PCLI", "IL", "", 8_883_800)
CHINA = _p(1814991, "China", 35.0, 105.0, "PCLI", "CN", "", 1_392_730_000)
LEBANON = _p(272103, "Lebanon", 33.83333, 35.83333, "PCLI", "LB", "", 6_848_925)
SUDAN = _p(366755, "Sudan", 15.5, 30.0, "PCLI", "SD", "", 41_801_533)
UKRAINE = _p(690791, "Ukraine", 49.0, 32.0, "PCLI", "UA", "", 44_622_516)
RUSSIA = _p(2017370, "Russia", 60.0, 100.0, "PCLI", "RU", "", 144_478_050)
DRC = _p(203312, "Democratic Republic of the Congo", -2.5, 23.5, "PCLI", "CD", "", 84_068_091)
KENYA = _p(192950, "Kenya", 1.0, 38.0, "PCLI", "KE", "", 51_393_010)
SAUDI = _p(102358, "Saudi Arabia", 25.0, 45.0, "PCLI", "SA", "", 33_699_947)
PALESTINE = _p(6254930, "Palestine", 31.92157, 35.20329, "PCLI", "PS", "", 4_569_087)
GAZA_STRIP = _p(7303419, "Gaza Strip", 31.43, 34.39, "RGN", "PS", "", 1_710_257)

PLACES: dict[str, Place] = {
    "Damascus": _p(170654, "Damascus", 33.5102, 36.29128, "PPLC", "SY", "13", 1_569_394),
    "Mazzeh": _p(2100000001, "Mazzeh", 33.50306, 36.25833, "PPLX", "SY", "13"),
    "Syria": SYRIA,
    "Iran": IRAN,
    "Iraq": IRAQ,
    "Israel": ISRAEL,
    "China": CHINA,
    "Lebanon": LEBANON,
    "Tehran": _p(112931, "Tehran", 35.69439, 51.42151, "PPLC", "IR", "26", 7_153_309),
    "Saudi Arabia": SAUDI,
    "Gaza Strip": GAZA_STRIP,
    "Gaza City": _p(281133, "Gaza", 31.50161, 34.46672, "PPLA", "PS", "", 410_000),
    "Khan Younis": _p(281141, "Khan Yunis", 31.34018, 34.30627, "PPL", "PS", "", 142_000),
    "Rafah": _p(281129, "Rafah", 31.29722, 34.24357, "PPL", "PS", "", 126_305),
    "Jabalia": _p(281124, "Jabalia", 31.5272, 34.4835, "PPL", "PS", "", 168_568),
    "Beirut": _p(276781, "Beirut", 33.89332, 35.50157, "PPLC", "LB", "04", 1_916_100),
    "Sudan": SUDAN,
    "Khartoum": _p(379252, "Khartoum", 15.55177, 32.53241, "PPLC", "SD", "29", 1_974_647),
    "Omdurman": _p(365137, "Omdurman", 15.64453, 32.47773, "PPL", "SD", "29", 1_200_000),
    "El Fasher": _p(379555, "El Fasher", 13.62793, 25.34936, "PPLA", "SD", "02", 252_609),
    "North Darfur": _p(408660, "North Darfur", 16.0, 25.0, "ADM1", "SD", "02", 2_113_626),
    "Ukraine": UKRAINE,
    "Russia": RUSSIA,
    "Kharkiv": _p(706483, "Kharkiv", 49.98081, 36.25272, "PPLA", "UA", "07", 1_430_885),
    "Odesa": _p(698740, "Odesa", 46.47747, 30.73262, "PPLA", "UA", "17", 1_015_826),
    "Kyiv": _p(703448, "Kyiv", 50.45466, 30.5238, "PPLC", "UA", "12", 2_797_553),
    "Pokrovsk": _p(708546, "Pokrovsk", 48.28198, 37.18207, "PPL", "UA", "05", 60_127),
    "Donetsk region": _p(709716, "Donetsk Oblast", 48.0, 37.75, "ADM1", "UA", "05", 4_100_000),
    "Democratic Republic of Congo": DRC,
    "Goma": _p(216281, "Goma", -1.67409, 29.22845, "PPLA", "CD", "11", 670_000),
    "Beni": _p(219057, "Beni", 0.49113, 29.47306, "PPL", "CD", "11", 231_459),
    "North Kivu": _p(7910290, "North Kivu", -0.8, 29.0, "ADM1", "CD", "11", 6_655_000),
    "Sake": _p(205065, "Sake", -1.57361, 29.04528, "PPL", "CD", "11", 72_000),
    "Kenya": KENYA,
    "Nairobi": _p(184745, "Nairobi", -1.28333, 36.81667, "PPLC", "KE", "30", 2_750_547),
    "Mombasa": _p(186301, "Mombasa", -4.05466, 39.66359, "PPLA", "KE", "19", 799_668),
    "Kisumu": _p(191245, "Kisumu", -0.10221, 34.76171, "PPLA", "KE", "07", 216_479),
    "Tbilisi": _p(611717, "Tbilisi", 41.69411, 44.83368, "PPLC", "GE", "04", 1_049_498),
    "Georgia": _p(614540, "Georgia", 42.0, 43.5, "PCLI", "GE", "", 3_731_000),
    # Coordinates from GeoNames/Wikipedia; ids below 10,000 are local to this test set.
    "Deir al-Balah": _p(1001, "Deir al-Balah", 31.41783, 34.35033, "PPL", "PS", "", 75_000),
    "Nuseirat": _p(1002, "Nuseirat", 31.44889, 34.3925, "PPL", "PS", "", 84_000),
    "Tyre": _p(1003, "Tyre", 33.27333, 35.19389, "PPLA", "LB", "", 135_204),
    "Nabatieh": _p(1004, "Nabatieh", 33.37889, 35.48389, "PPLA", "LB", "", 80_000),
    "Zaporizhzhia": _p(1005, "Zaporizhzhia", 47.82289, 35.19031, "PPLA", "UA", "", 722_713),
    "Wad Madani": _p(1006, "Wad Madani", 14.40118, 33.51989, "PPLA", "SD", "", 345_290),
    "Bunia": _p(1007, "Bunia", 1.56667, 30.25, "PPLA", "CD", "", 96_764),
    "Port Sudan": _p(1008, "Port Sudan", 19.61745, 37.21644, "PPLA", "SD", "", 489_725),
    "Beijing": _p(1816670, "Beijing", 39.9075, 116.39723, "PPLC", "CN", "22", 18_960_744),
    "Washington": _p(4140963, "Washington", 38.89511, -77.03637, "PPLC", "US", "DC", 689_545),
}
# Country-level mentions (precision 3).
_REGIONAL = {"ADM1", "RGN"}
DEMONYM_PLACES: dict[str, Place] = {
    "Israeli": ISRAEL, "Iranian": IRAN, "Syrian": SYRIA, "Palestinian": PALESTINE,
    "Lebanese": LEBANON, "Chinese": CHINA, "Sudanese": SUDAN, "Russian": RUSSIA,
    "Ukrainian": UKRAINE, "Congolese": DRC, "Kenyan": KENYA, "Saudi": SAUDI,
}  # fmt: skip
ALIASES = {
    "Mezzeh": "Mazzeh",
    "Gaza": "Gaza City",
    "Kiev": "Kyiv",
    "DR Congo": "Democratic Republic of Congo",
}


def _precision(place: Place) -> int:
    if place.is_country or place.feature_code in _REGIONAL or place.is_admin1:
        return 3
    return 1


def mentions_for(text: str) -> list[Mention]:
    """Exact, case-sensitive, longest-first name matching: a stand-in for the real geoparser."""
    names = {**{n: ("place", p) for n, p in PLACES.items()}}
    names.update({a: ("place", PLACES[t]) for a, t in ALIASES.items()})
    names.update({d: ("demonym", p) for d, p in DEMONYM_PLACES.items()})
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        + r")(?![\w])"
    )
    out = []
    for m in pattern.finditer(text):
        kind, place = names[m.group(1)]
        out.append(
            Mention(
                text=m.group(1),
                start=m.start(),
                end=m.end(),
                kind=kind,  # type: ignore[arg-type]
                place=place,
                score=1.0,
                precision=_precision(place),
            )
        )
    return out


@dataclass(frozen=True)
class GoldEvent:
    event_type: str
    place: str  # gazetteer name of the gold location
    date: dt.date | None

    @property
    def latlon(self) -> tuple[float, float] | None:
        """Gold coordinates (from ``PLACES``): spelling variants of the name also match."""
        for key, place in PLACES.items():
            if self.place in (key, place.name):
                return place.latlon
        return None


@dataclass(frozen=True)
class GoldArticle:
    key: str
    text: str
    published: dt.date | None
    events: tuple[GoldEvent, ...] = field(default_factory=tuple)


EXP = "Explosions/Remote violence"
BAT = "Battles"
VAC = "Violence against civilians"
PRO = "Protests"
RIO = "Riots"
STR = "Strategic developments"
D = dt.date

GOLD: tuple[GoldArticle, ...] = (
    GoldArticle(
        "gaza-strike",
        "Israeli airstrike kills 12 in Jabalia\n\n"
        "At least 12 people were killed on Tuesday when an Israeli airstrike hit a school "
        "sheltering displaced families in Jabalia, in the northern Gaza Strip, the civil defence "
        "agency said.\n\nHamas condemned the attack. The Israeli military said it had targeted "
        "militants operating from the compound.",
        D(2024, 10, 9),
        (GoldEvent(EXP, "Jabalia", D(2024, 10, 8)),),
    ),
    GoldArticle(
        "gaza-shelling-and-clash",
        "KHAN YUNIS, Gaza Strip — Israeli tanks shelled the eastern outskirts of Khan Younis "
        "overnight, residents said. Later on Saturday, fighters from Hamas clashed with Israeli "
        "troops in Rafah, according to the group's armed wing.",
        D(2024, 5, 11),
        (
            GoldEvent(EXP, "Khan Yunis", D(2024, 5, 11)),
            GoldEvent(BAT, "Rafah", D(2024, 5, 11)),
        ),
    ),
    GoldArticle(
        "sudan-el-fasher",
        "The Rapid Support Forces shelled El Fasher, the capital of North Darfur, on Monday, "
        "killing at least 15 civilians, a local resistance committee said. Dozens more were "
        "wounded.\n\nThe RSF has besieged the city since May.",
        D(2024, 6, 11),
        (GoldEvent(EXP, "El Fasher", D(2024, 6, 10)),),
    ),
    GoldArticle(
        "sudan-khartoum-clashes",
        "Heavy fighting broke out between the army and the RSF in Omdurman on Sunday, witnesses "
        "said. In a separate incident, gunmen abducted three aid workers in Khartoum yesterday.",
        D(2024, 2, 12),
        (
            GoldEvent(BAT, "Omdurman", D(2024, 2, 11)),
            GoldEvent(VAC, "Khartoum", D(2024, 2, 11)),
        ),
    ),
    GoldArticle(
        "ukraine-kharkiv",
        "Russian missiles struck Kharkiv on Thursday, killing four people and injuring 20, "
        "regional governor Oleh Syniehubov said.\n\nUkraine's air force said it had intercepted "
        "most of the drones launched overnight. Air defences shot down 20 drones over Odesa overnight, "
        "the air force said. Russia has repeatedly shelled the city since 2022.",
        D(2024, 5, 23),
        (
            GoldEvent(EXP, "Kharkiv", D(2024, 5, 23)),
            GoldEvent(STR, "Odesa", D(2024, 5, 23)),
        ),
    ),
    GoldArticle(
        "ukraine-pokrovsk",
        "Ukrainian troops repelled a Russian assault near Pokrovsk in the Donetsk region last "
        "week, the general staff said. Clashes continued near Pokrovsk on Friday.",
        D(2024, 11, 18),
        (GoldEvent(BAT, "Pokrovsk", D(2024, 11, 15)),),
    ),
    GoldArticle(
        "drc-goma",
        "M23 rebels captured Sake, a town 25 km west of Goma, on Wednesday after clashes with "
        "the Congolese army. Thousands fled toward Goma.",
        D(2025, 1, 24),
        (GoldEvent(BAT, "Sake", D(2025, 1, 22)),),
    ),
    GoldArticle(
        "drc-beni",
        "Suspected ADF militants killed at least 18 civilians in an attack on a village near Beni "
        "in North Kivu on the night of 12 June 2024, local officials said.",
        D(2024, 6, 14),
        (GoldEvent(VAC, "Beni", D(2024, 6, 12)),),
    ),
    GoldArticle(
        "kenya-protests",
        "Thousands of protesters marched in Nairobi on Tuesday against the finance bill. Police "
        "fired tear gas at demonstrators in Mombasa the same day.\n\n"
        "Organisers have called for more protests next week.",
        D(2024, 6, 26),
        (
            GoldEvent(PRO, "Nairobi", D(2024, 6, 25)),
            GoldEvent(PRO, "Mombasa", D(2024, 6, 25)),
        ),
    ),
    GoldArticle(
        "kenya-riot",
        "Rioters torched the regional assembly building in Kisumu on Thursday, police said.",
        D(2024, 6, 28),
        (GoldEvent(RIO, "Kisumu", D(2024, 6, 27)),),
    ),
    GoldArticle(
        "lebanon-beirut",
        "BEIRUT, Oct 3 (Reuters) - An Israeli strike hit a building in central Beirut early on "
        "Thursday, killing six people, Lebanon's health ministry said.",
        D(2024, 10, 3),
        (GoldEvent(EXP, "Beirut", D(2024, 10, 3)),),
    ),
    GoldArticle(
        "arrests-tbilisi",
        "Police detained dozens of demonstrators in Tbilisi on Sunday night, Georgia's interior "
        "ministry said.",
        D(2024, 12, 2),
        # ACLED codes arrests of demonstrators as a protest with intervention.
        (GoldEvent(PRO, "Tbilisi", D(2024, 12, 1)),),
    ),
    GoldArticle(
        "background-syria",
        "Israel has carried out hundreds of airstrikes in Syria over the past decade, targeting "
        "what it says are Iranian-linked groups. Iran has vowed to retaliate for any attack on "
        "its forces, and analysts fear the conflict could spread to Lebanon.",
        D(2024, 11, 1),
        (),
    ),
    GoldArticle(
        "background-history",
        "The war in Sudan, which began in April 2023, has displaced more than 10 million people. "
        "Aid agencies warn that famine could spread in Darfur if the fighting does not stop.",
        D(2024, 8, 1),
        (),
    ),
    GoldArticle(
        "historical-date",
        "Analysts in Washington said the talks were unlikely to succeed. On October 26 Israel "
        "launched a series of airstrikes against Iranian military sites near Tehran, and Iran "
        "threatened to respond.",
        D(2024, 11, 14),
        (GoldEvent(EXP, "Tehran", D(2024, 10, 26)),),
    ),
    GoldArticle(
        "no-publication-date",
        "Friday, 06/14/2024\n\nAn explosion at a market in Goma killed two people yesterday, "
        "police said.",
        None,
        (GoldEvent(EXP, "Goma", D(2024, 6, 13)),),
    ),
    GoldArticle(
        "agreement",
        "Saudi Arabia and Iran signed an agreement to restore diplomatic ties in Beijing last "
        "month, officials said on Monday.",
        D(2023, 4, 10),
        (GoldEvent(STR, "Beijing", D(2023, 3, 1)),),
    ),
)

# Written after the rules were frozen and never tuned on: how the rules generalise.
HELDOUT: tuple[GoldArticle, ...] = (
    GoldArticle(
        "h-rafah-drone",
        "A drone strike on a car in Rafah killed two men on Wednesday, medics said. The Israeli "
        "military did not comment.",
        D(2024, 3, 7),
        (GoldEvent(EXP, "Rafah", D(2024, 3, 6)),),
    ),
    GoldArticle(
        "h-beirut-background",
        "Lebanon has been mired in economic crisis since 2019, and Hezbollah's role in politics "
        "remains contested. Officials fear that any escalation could drag Beirut into war.",
        D(2024, 1, 5),
        (),
    ),
    GoldArticle(
        "h-omdurman-market",
        "Shelling hit a crowded market in Omdurman on Saturday, killing more than 20 people, "
        "volunteers said. The army blamed the RSF.",
        D(2024, 9, 2),
        (GoldEvent(EXP, "Omdurman", D(2024, 8, 31)),),
    ),
    GoldArticle(
        "h-goma-protest",
        "Hundreds of residents protested in Goma on Monday against the advance of M23 rebels, "
        "and police fired tear gas to disperse them.",
        D(2024, 2, 13),
        (GoldEvent(PRO, "Goma", D(2024, 2, 12)),),
    ),
    GoldArticle(
        "h-kyiv-missiles",
        "Russian cruise missiles struck energy facilities in Kyiv early on Sunday, officials "
        "said, while a separate attack damaged the port of Odesa yesterday.",
        D(2024, 3, 25),
        (GoldEvent(EXP, "Kyiv", D(2024, 3, 24)),),
    ),
    GoldArticle(
        "h-khartoum-kidnap",
        "Gunmen kidnapped a doctor in Khartoum last week, his family said.",
        D(2024, 7, 17),
        (GoldEvent(VAC, "Khartoum", D(2024, 7, 8)),),
    ),
    GoldArticle(
        "h-nairobi-arrests",
        "Kenyan police arrested 12 opposition activists in Nairobi on Friday, a rights group said.",
        D(2024, 7, 21),
        (GoldEvent(STR, "Nairobi", D(2024, 7, 19)),),
    ),
    GoldArticle(
        "h-threat",
        "Iran threatened to strike Israel if it attacked its nuclear facilities, state media "
        "reported on Tuesday.",
        D(2024, 10, 15),
        (),
    ),
)


# A second held-out set: longer, harder articles written after all rule changes, reported as is.
HELDOUT2: tuple[GoldArticle, ...] = (
    GoldArticle(
        "h2-gaza-long",
        "Strike on Deir al-Balah school kills 15\n\n"
        "At least 15 people were killed when an Israeli strike hit a school-turned-shelter in "
        "Deir al-Balah on Saturday, Gaza's civil defence agency said. The Israeli military said it "
        "had targeted a Hamas command centre inside the compound.\n\n"
        "In Nuseirat, tanks shelled houses on Sunday, residents said.\n\n"
        "The war began after Hamas's October 7, 2023 attack on southern Israel, which killed about "
        "1,200 people.",
        D(2024, 7, 28),
        (
            GoldEvent(EXP, "Deir al-Balah", D(2024, 7, 27)),
            GoldEvent(EXP, "Nuseirat", D(2024, 7, 28)),
        ),
    ),
    GoldArticle(
        "h2-lebanon",
        "Israeli warplanes struck the southern city of Tyre and the town of Nabatieh on Wednesday, "
        "Lebanon's state news agency NNA reported. On Wednesday evening, Hezbollah said it fired "
        "rockets at northern Israel.",
        D(2024, 10, 17),
        (
            GoldEvent(EXP, "Tyre", D(2024, 10, 16)),
            GoldEvent(EXP, "Nabatieh", D(2024, 10, 16)),
            GoldEvent(EXP, "Israel", D(2024, 10, 16)),
        ),
    ),
    GoldArticle(
        "h2-zaporizhzhia",
        "A Russian guided bomb hit an industrial site in Zaporizhzhia on Monday, killing two "
        "workers and wounding 11, regional governor Ivan Fedorov said on Telegram. Kyiv has urged "
        "allies to supply more air defence systems. Russia says it does not target civilians.",
        D(2024, 11, 5),
        (GoldEvent(EXP, "Zaporizhzhia", D(2024, 11, 4)),),
    ),
    GoldArticle(
        "h2-wad-madani",
        "The RSF stormed villages east of Wad Madani last week, killing dozens of civilians, "
        "according to the Sudan Doctors Network. The army regained control of Wad Madani in "
        "January.",
        D(2025, 2, 20),
        (
            GoldEvent(VAC, "Wad Madani", D(2025, 2, 10)),
            GoldEvent(BAT, "Wad Madani", D(2025, 1, 1)),
        ),
    ),
    GoldArticle(
        "h2-bunia",
        "Suspected CODECO militiamen attacked a displacement camp near Bunia overnight Tuesday, "
        "killing at least eight people, the UN said.",
        D(2024, 10, 3),
        (GoldEvent(VAC, "Bunia", D(2024, 10, 1)),),
    ),
    GoldArticle(
        "h2-port-sudan",
        "Hundreds of people demonstrated in Port Sudan on Friday to demand an end to the war. No "
        "incidents were reported.",
        D(2024, 8, 18),
        (GoldEvent(PRO, "Port Sudan", D(2024, 8, 16)),),
    ),
    GoldArticle(
        "h2-background-ukraine",
        "Since the full-scale invasion in February 2022, Russian forces have launched thousands of "
        "missiles at Ukrainian cities, including Kyiv and Kharkiv. Western officials expect the "
        "fighting to intensify in the spring.",
        D(2024, 12, 1),
        (),
    ),
    GoldArticle(
        "h2-tbilisi-arrest",
        "Georgian police on Saturday arrested opposition leader Nika Melia in Tbilisi, his party "
        "said.",
        D(2024, 12, 8),
        (GoldEvent(STR, "Tbilisi", D(2024, 12, 7)),),
    ),
)
