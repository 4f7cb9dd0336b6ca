"""News spellings of Arabic place names (gazetteer/arabic.py) and their place in the build."""

from __future__ import annotations

import pytest

from gazetteer.arabic import MAX_VARIANTS, arabic_spelling_variants


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Deir el-Balah", "Deir al-Balah"),
        ("Dayr az Zawr", "Deir az Zawr"),
        ("Bayt Lahya", "Beit Lahya"),
        ("Ras al Ayn", "Ras el Ayn"),
        ("Tall Abyad", "Tell Abyad"),
        ("Umm al-Fahm", "Um al-Fahm"),
        ("Kafr Sousa", "Kfar Sousa"),
        ("Shaykh Maqsud", "Sheikh Maqsud"),
    ],
)
def test_regular_alternations(name, expected):
    assert expected in arabic_spelling_variants(name)


def test_the_article_keeps_its_separator_and_case():
    variants = arabic_spelling_variants("Deir El-Balah")
    assert "Dayr El-Balah" in variants and "Deir Al-Balah" in variants
    assert "DAYR AL BALAH" in arabic_spelling_variants("DEIR EL BALAH")


@pytest.mark.parametrize(
    "name",
    ["Damascus", "Al Hasakah", "El Fasher", "Aleppo", "دير البلح", "Dayr al Balaḩ", "Deir", ""],
)
def test_names_without_an_alternation_or_not_in_latin_script_give_nothing(name):
    # A leading article is normalisation's business; a one-word name has no inner article.
    assert arabic_spelling_variants(name) == []


def test_never_the_name_itself_and_bounded():
    variants = arabic_spelling_variants("Dayr az Zawr al Jadida al Sharqiya")
    assert "Dayr az Zawr al Jadida al Sharqiya" not in variants
    assert 0 < len(variants) <= MAX_VARIANTS
    assert len(set(variants)) == len(variants)


def test_the_build_adds_them_as_variants_that_do_not_count_as_known_names(full_gazetteer):
    (deir, *_) = full_gazetteer.search("Deir al-Balah", country="PS")
    assert deir.geonameid == 281141  # Dayr al Balaḩ, GeoNames
    rows = full_gazetteer._conn().execute(
        "SELECT kind, COUNT(*) FROM place_name WHERE geonameid = ? GROUP BY kind", (281141,)
    )
    kinds = dict(rows.fetchall())
    assert kinds.get("variant", 0) > 0
    assert full_gazetteer.name_counts([281141])[281141] == sum(kinds.values()) - kinds["variant"]


def test_only_places_in_arabic_speaking_countries_get_them(full_gazetteer):
    # "Tell City", Indiana must not be reachable as "Tall City".
    assert not [p for p in full_gazetteer.search("Tall City", limit=20) if p.country_code == "US"]
