"""The map as a person uses it, in a real headless Chromium (Debian's ``chromium``).

The app runs on a loopback port in a thread; a second loopback server on another origin plays the
newsroom page that embeds the map. Every request to another host (the base-map tiles) is aborted,
so the tests run offline, as an intranet deployment would. Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from mapapp.store.base import open_store
from mapapp.web import create_app
from tests.helpers import make_incident

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
LOOPBACK = {"127.0.0.1", "localhost"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]

# Each payload would set window.__pwned if it ever ran.
HOSTILE = (
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    "${window.__pwned=3} `${window.__pwned=4}` </script><svg onload=window.__pwned=5>"
)


NEWS = [
    make_incident(
        "h1",
        "Battles",
        36.2021,
        37.1343,
        dt.date(2024, 11, 10),
        layer="news",
        place=f"Aleppo {HOSTILE}",
        url="https://news.example/aleppo?q=<b>",
        title=f"Clashes {HOSTILE}",
        sentence=f"Fighters clashed in Aleppo. {HOSTILE}",
        fatalities=12,
        lower_bound=True,
    ),
    make_incident(
        "h2",
        "Protests",
        33.8938,
        35.5018,
        dt.date(2024, 10, 26),
        layer="news",
        place="Beirut",
        url="javascript:window.__pwned=6",
        title="Protest report",
    ),
    make_incident(
        "h3", "Explosions/Remote violence", 33.5020, 36.2510, dt.date(2024, 11, 14), layer="news"
    ),
    make_incident(
        "h4", "Violence against civilians", 31.5017, 34.4668, dt.date(2024, 10, 1), layer="news"
    ),
    make_incident("h5", "Battles", 35.9306, 36.6339, dt.date(2024, 9, 5), layer="news"),
    make_incident(
        "h6",
        "Strategic developments",
        34.7324,
        36.7137,
        dt.date(2024, 11, 1),
        layer="news",
        place="Homs Governorate",
        precision=3,
    ),
    make_incident(
        "h7", "Riots", 35.3359, 40.1408, None, layer="news", undated_note="no date in the article"
    ),
    make_incident(
        "h8",
        "Protests",
        33.8333,
        35.8333,
        dt.date(2024, 10, 15),
        layer="news",
        place="Lebanon",
        country="LB",
        feature_code="PCLI",
        precision=3,
    ),
]
BIG_COUNT = 60
INLINE_LIMIT = 20


class _Server:
    """A WSGI app on a loopback port, served from a thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:
        from werkzeug.serving import make_server

        self.server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


class _HostPage:
    """The "newsroom" on another origin: serves whatever HTML the test sets."""

    def __init__(self) -> None:
        self.body = "<!doctype html><title>empty</title>"

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [self.body.encode("utf-8")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("browser-home")
    store_url = str(home / "incidents.sqlite")
    with open_store(store_url) as store:
        store.ensure_layer("news", title="Test incidents")
        store.add_many(NEWS)
        store.ensure_layer("big", title="A large layer")
        store.add_many(
            make_incident(
                f"b{i}",
                "Battles" if i % 2 else "Protests",
                32.5 + (i % 10) * 0.4,
                36.0 + (i // 10) * 0.5,
                dt.date(2024, 1, 1) + dt.timedelta(days=i),
                layer="big",
            )
            for i in range(BIG_COUNT)
        )
    app = create_app(
        {
            "TESTING": True,
            "HOME": str(home),
            "STORE_URL": store_url,
            "INLINE_MARKER_LIMIT": INLINE_LIMIT,
            "GAZETTEER_PATH": str(home / "no-gazetteer.sqlite"),
        }
    )
    server = _Server(app, "127.0.0.1")
    host_page = _HostPage()
    # Another origin: another host name and another port.
    newsroom = _Server(host_page, "localhost")
    try:
        yield {"app": app, "url": server.url, "newsroom": newsroom.url, "host_page": host_page}
    finally:
        server.close()
        newsroom.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


# Records CSP violations and whether any injected payload ran, from the first script on.
_WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


class Visit:
    """A browser tab that blocks external hosts and records what a careful tester would."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1100, "height": 760})
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.context.add_init_script(_WATCH)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host in LOOPBACK:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self, frame: Any = None) -> None:
        """No script error, no dialog, no CSP violation, no payload ran."""
        target = frame or self.page
        assert self.errors == []
        assert self.dialogs == []
        assert target.evaluate("window.__violations") == []
        assert target.evaluate("typeof window.__pwned") == "undefined"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Visit]:
    v = Visit(browser)
    yield v
    v.close()


def shown_count(target: Any) -> int:
    """Incidents a person sees: single markers, the numbers on clusters, and drawn areas."""
    return target.evaluate(
        """() => {
          const c = document.querySelector('.leaflet-container');
          let n = c.querySelectorAll('.incident-marker').length;
          n += c.querySelectorAll('path.incident-area').length;
          c.querySelectorAll('.marker-cluster span').forEach(s => { n += parseInt(s.textContent, 10); });
          return n;
        }"""
    )


def wait_for_incidents(target: Any) -> None:
    target.locator(".incident-marker, .marker-cluster").first.wait_for(timeout=15_000)


def status(target: Any) -> str:
    return target.locator(".mapapp-status").inner_text()


def test_embed_in_another_origins_iframe_renders_markers(site: dict, visit: Visit) -> None:
    page = visit.page
    page.goto(site["url"] + "/maps/news?lat=34.2&lon=36.8&zoom=6")
    wait_for_incidents(page)
    snippet = page.locator("#embed-code").input_value()
    assert snippet.startswith('<iframe src="' + site["url"] + "/embed/news?")
    # The newsroom pastes the snippet the map page offers.
    site["host_page"].body = (
        "<!doctype html><html><head><title>Newsroom</title></head><body>"
        "<h1>Our story</h1><div style='max-width:720px'>" + snippet + "</div></body></html>"
    )
    page.goto(site["newsroom"] + "/story")
    assert urlsplit(page.url).netloc != urlsplit(site["url"]).netloc
    frame = page.frame_locator("iframe")
    wait_for_incidents(frame)
    inner = next(f for f in page.frames if f.url.startswith(site["url"] + "/embed/news"))
    inner.wait_for_function("() => document.documentElement.dataset.incidentsShown === '8'")
    assert shown_count(inner) == 8
    assert inner.evaluate("document.cookie") == ""
    assert inner.locator(".site-header").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "embed-cross-origin.png"), full_page=True)
    assert any("tile.openstreetmap.org" in url for url in visit.blocked)
    visit.assert_clean(inner)


def test_popup_shows_hostile_text_as_text_and_nothing_runs(site: dict, visit: Visit) -> None:
    page = visit.page
    page.goto(site["url"] + "/maps/news?lat=36.2021&lon=37.1343&zoom=11")
    wait_for_incidents(page)
    page.locator('.incident-marker[title^="2024-11-10"]').click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    for piece in (
        "<script>window.__pwned=1</script>",
        '<img src=x onerror="window.__pwned=2">',
        "${window.__pwned=3}",
        "`${window.__pwned=4}`",
        "<svg onload=window.__pwned=5>",
    ):
        assert text.count(piece) >= 3, piece  # place, sentence and source title
    assert "Battles" in text
    assert "at least 12" in text
    assert "2024-11-10" in text
    assert "town or finer" in text
    assert popup.locator("img, script, svg, iframe").count() == 0
    link = popup.locator("a.incident-source")
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("href") == "https://news.example/aleppo?q=%3Cb%3E"
    page.wait_for_timeout(400)  # let the popup's auto-pan finish before the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "popup-hostile-text.png"))
    visit.assert_clean()


def test_javascript_source_urls_are_not_links(site: dict, visit: Visit) -> None:
    page = visit.page
    page.goto(site["url"] + "/maps/news?lat=33.8938&lon=35.5018&zoom=12")
    wait_for_incidents(page)
    page.locator('.incident-marker[title$="Beirut"]').click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Source: Protest report" in popup.inner_text()
    assert popup.locator("a").count() == 0
    visit.assert_clean()


def test_date_filter_and_type_toggles_change_what_is_shown(site: dict, visit: Visit) -> None:
    page = visit.page
    page.goto(site["url"] + "/maps/news?lat=34.2&lon=36.8&zoom=6")
    wait_for_incidents(page)
    assert shown_count(page) == 8
    assert status(page) == "8 incidents shown (2 as areas)"

    page.get_by_label("From").fill("2024-11-01")
    page.wait_for_function("() => document.documentElement.dataset.incidentsShown === '3'")
    assert shown_count(page) == 3  # h1, h3 and the area h6; the undated h7 drops out, h8 is older
    assert status(page) == "3 incidents shown (1 as areas)"

    page.get_by_label("Battles").uncheck()
    page.wait_for_function("() => document.documentElement.dataset.incidentsShown === '2'")
    assert shown_count(page) == 2

    page.get_by_label("To").fill("2024-11-05")
    page.wait_for_function("() => document.documentElement.dataset.incidentsShown === '1'")
    assert page.locator("path.incident-area").count() == 1
    assert page.locator(".incident-marker").count() == 0

    # The view's filters travel into the address and the embed snippet.
    assert "start=2024-11-01" in page.url and "end=2024-11-05" in page.url
    snippet = page.locator("#embed-code").input_value()
    assert "start=2024-11-01&amp;end=2024-11-05" in snippet
    assert "Battles" not in snippet.split("type=", 1)[1].split("&amp;")[0]

    page.get_by_role("button", name="Show all").click()
    page.wait_for_function("() => document.documentElement.dataset.incidentsShown === '8'")
    assert shown_count(page) == 8
    visit.assert_clean()


def test_area_incidents_are_drawn_as_areas_with_a_popup(site: dict, visit: Visit) -> None:
    page = visit.page
    page.goto(site["url"] + "/maps/news?lat=34.7324&lon=36.7137&zoom=8")
    wait_for_incidents(page)
    page.locator("path.incident-area").first.wait_for()
    map_box = page.locator(".leaflet-container").bounding_box()
    cx, cy = map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2
    boxes = [a.bounding_box() for a in page.locator("path.incident-area").all()]
    homs = [
        b for b in boxes if b["x"] < cx < b["x"] + b["width"] and b["y"] < cy < b["y"] + b["height"]
    ]
    assert len(homs) == 1
    assert homs[0]["width"] > 40 and homs[0]["height"] > 40  # an area, not a pin
    page.mouse.click(cx, cy)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Homs Governorate" in popup.inner_text()
    assert "region or country" in popup.inner_text()
    visit.assert_clean()


def test_embed_snippet_follows_the_view(site: dict, visit: Visit) -> None:
    page = visit.page
    page.goto(site["url"] + "/maps/news?lat=34.2&lon=36.8&zoom=6")
    wait_for_incidents(page)
    assert "zoom=6" in page.locator("#embed-code").input_value()
    assert page.locator("a.leaflet-control-zoom-fullscreen[title='Full screen']").count() == 1
    assert page.locator(".leaflet-control-layers").count() == 1
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_function("() => document.getElementById('embed-code').value.includes('zoom=7')")
    page.locator("#embed-height").fill("320")
    page.wait_for_function(
        "() => document.getElementById('embed-code').value.includes('height=\"320\"')"
    )
    snippet = page.locator("#embed-code").input_value()
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    assert "zoom=7" in src and "height=320" in src
    # The snippet's address opens the same view.
    page.goto(src)
    wait_for_incidents(page)
    assert page.evaluate("mapappIncidentMap.map.getZoom()") == 7
    visit.assert_clean()


def test_large_layer_loads_the_visible_bbox(site: dict, visit: Visit) -> None:
    page = visit.page
    with page.expect_request(lambda r: "/ogc/collections/big/items" in r.url) as first:
        page.goto(site["url"] + "/maps/big?lat=34.5&lon=38&zoom=6")
    params = dict(p.split("=", 1) for p in urlsplit(first.value.url).query.split("&"))
    assert params["limit"] == str(INLINE_LIMIT)
    assert "bbox" not in params  # the whole layer is in view: no spatial filter needed
    wait_for_incidents(page)
    page.wait_for_function("() => document.documentElement.dataset.incidentsShown === '20'")
    assert f"of {BIG_COUNT} in view; zoom in for more" in status(page)
    # Panning/zooming asks again, for the new view only.
    with page.expect_request(lambda r: "/ogc/collections/big/items" in r.url) as second:
        page.evaluate("mapappIncidentMap.map.setView([32.5, 36.0], 10)")
    assert "bbox=" in second.value.url
    page.wait_for_function(
        "() => document.querySelector('.mapapp-status').textContent.endsWith('in view')"
    )
    assert 0 < shown_count(page) < INLINE_LIMIT
    # Filters are applied by the server in this mode.
    with page.expect_response(lambda r: "type=Battles" in r.url) as typed:
        page.get_by_label("Protests").uncheck()
    assert typed.value.status == 200
    with page.expect_response(lambda r: "datetime=2024-02-01%2F.." in r.url) as dated:
        page.get_by_label("From").fill("2024-02-01")
    assert dated.value.status == 200
    page.wait_for_function(
        "() => document.querySelector('.mapapp-status').textContent.endsWith('in view')"
    )
    assert "Could not load" not in status(page)
    visit.assert_clean()


def test_outlines_show_when_tiles_are_blocked(
    site: dict, visit: Visit, full_gazetteer_path: Path
) -> None:
    site["app"].config["GAZETTEER_PATH"] = str(full_gazetteer_path)
    page = visit.page
    page.goto(site["url"] + "/maps/news?lat=33&lon=38&zoom=5")
    wait_for_incidents(page)
    page.locator(".leaflet-container.tiles-offline").wait_for(timeout=15_000)
    page.locator("path.country-outline").first.wait_for(timeout=30_000)
    assert page.locator("path.country-outline").count() > 100
    assert visit.blocked  # the tiles were really asked for and refused
    # Land is filled, so the outlines are visible without tiles.
    fill = page.evaluate(
        "getComputedStyle(document.querySelector('path.country-outline')).fillOpacity"
    )
    assert fill == "1"
    # A country-level incident is drawn as its country, not as a pin or a circle.
    page.goto(site["url"] + "/maps/news?lat=33.9&lon=35.9&zoom=8")
    country = page.locator("path.incident-country")
    country.wait_for(timeout=30_000)
    assert country.count() == 1
    # Click inside Lebanon: the Bekaa valley, away from the Beirut and Damascus markers.
    point = page.evaluate("mapappIncidentMap.map.latLngToContainerPoint([33.85, 36.0])")
    map_box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(map_box["x"] + point["x"], map_box["y"] + point["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Lebanon (LB)" in popup.inner_text()
    assert "region or country (drawn as an area)" in popup.inner_text()
    page.wait_for_timeout(400)  # the popup fades in; let it finish for the screenshot
    page.screenshot(path=str(ARTIFACTS / "country-area-popup.png"))
    page.keyboard.press("Escape")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-offline-outlines.png"), full_page=True)
    visit.assert_clean()
