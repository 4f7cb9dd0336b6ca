/*
 * Incident map behaviour on top of the folium-built Leaflet skeleton.
 *
 * Safety: article text (titles, sentences, places) is untrusted. It reaches this script only as
 * JSON and is put into the page with textContent / DOM properties, never innerHTML or template
 * literals, so "<script>", "<img onerror=...>", "${...}" and backticks show as text.
 */
(function () {
  "use strict";

  var COUNTRY_CODES = { PCLI: 1, PCLD: 1, PCLIX: 1, PCLS: 1, PCLF: 1, PCL: 1, TERR: 1 };
  var PRECISION_TEXT = {
    1: "town or finer",
    2: "part of a region",
    3: "region or country",
  };
  var MAX_AREA_POPUP_ITEMS = 20;

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeHttpUrl(value) {
    if (typeof value !== "string" || !value) return null;
    try {
      var url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function escapeAttr(value) {
    return String(value)
      .replace(/&/g, "&amp;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;");
  }

  /* Performance marks (benchmarks/bench_map_page.py reads them); harmless elsewhere. */
  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }

  function str(value) {
    return value === undefined || value === null ? "" : String(value);
  }

  /* One incident from a GeoJSON Feature (inline data and the bbox endpoint share the format). */
  function fromFeature(f) {
    var p = f.properties || {};
    var c = (f.geometry && f.geometry.coordinates) || [0, 0];
    return {
      id: str(f.id),
      lon: Number(c[0]),
      lat: Number(c[1]),
      date: p.event_date || null,
      datePrecision: p.date_precision || null,
      dateNote: p.date_note || null,
      type: str(p.event_type),
      sub: p.sub_event_type || null,
      fatalities: typeof p.fatalities === "number" ? p.fatalities : null,
      lowerBound: !!p.fatalities_lower_bound,
      place: str(p.location),
      admin1: p.admin1 || null,
      cc: p.country_code || null,
      precision: Number(p.geo_precision) || 1,
      featureCode: p.feature_code || null,
      sentences: Array.isArray(p.sentences) ? p.sentences.map(str) : [],
      url: p.source_url || null,
      title: p.source_title || null,
      publisher: p.source_publisher || null,
    };
  }

  function IncidentMap(config) {
    this.config = config;
    this.map = window[config.names.map];
    this.cluster = window[config.names.cluster];
    this.areas = window[config.names.areas];
    this.outlines = window[config.names.outlines];
    this.colors = {};
    this.typeNames = [];
    for (var i = 0; i < config.types.length; i++) {
      this.colors[config.types[i].name] = config.types[i].color;
      this.typeNames.push(config.types[i].name);
    }
    this.incidents = [];
    this.outlineIndex = {};
    this.filter = {
      start: (config.filter && config.filter.start) || "",
      end: (config.filter && config.filter.end) || "",
      types: config.filter && config.filter.types ? config.filter.types.slice() : null,
    };
    this.shown = 0;
    this.matched = null;
    this.request = null;
    this.debounceTimer = null;
  }

  IncidentMap.prototype.color = function (type) {
    return this.colors[type] || this.config.otherColor;
  };

  IncidentMap.prototype.typeEnabled = function (type) {
    return this.filter.types === null || this.filter.types.indexOf(type) >= 0;
  };

  IncidentMap.prototype.matches = function (inc) {
    if (!this.typeEnabled(inc.type)) return false;
    if (this.filter.start || this.filter.end) {
      if (!inc.date) return false;
      if (this.filter.start && inc.date < this.filter.start) return false;
      if (this.filter.end && inc.date > this.filter.end) return false;
    }
    return true;
  };

  /* ---- popups (DOM only) ------------------------------------------------------------------ */

  IncidentMap.prototype.describe = function (inc, compact) {
    var box = el("div", "incident");
    var heading = el("div", "incident-type", inc.type || "Incident");
    if (inc.sub) heading.appendChild(el("span", "incident-subtype", " \u2014 " + inc.sub));
    var swatch = el("span", "swatch");
    swatch.style.backgroundColor = this.color(inc.type);
    heading.insertBefore(swatch, heading.firstChild);
    box.appendChild(heading);

    var dl = el("dl", "incident-facts");
    function fact(label, value) {
      dl.appendChild(el("dt", null, label));
      dl.appendChild(el("dd", null, value));
    }
    var dateText = inc.date || "unknown";
    if (inc.date && inc.datePrecision && inc.datePrecision !== "day") {
      dateText += " (within the " + inc.datePrecision + ")";
    }
    if (inc.dateNote) dateText += " \u2014 " + inc.dateNote;
    fact("Date", dateText);
    var fat = "unknown";
    if (inc.fatalities !== null) fat = (inc.lowerBound ? "at least " : "") + inc.fatalities;
    fact("Fatalities", fat);
    var place = inc.place;
    if (inc.admin1 && inc.admin1 !== inc.place) place += ", " + inc.admin1;
    if (inc.cc) place += " (" + inc.cc + ")";
    fact("Place", place);
    var precision = PRECISION_TEXT[inc.precision] || String(inc.precision);
    fact("Precision", inc.precision >= 2 ? precision + " (drawn as an area)" : precision);
    box.appendChild(dl);

    var sentences = compact ? inc.sentences.slice(0, 1) : inc.sentences;
    for (var i = 0; i < sentences.length; i++) {
      box.appendChild(el("blockquote", "incident-sentence", sentences[i]));
    }
    var href = safeHttpUrl(inc.url);
    if (href) {
      var a = el("a", "incident-source", inc.title || inc.publisher || "Source article");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      var p = el("p", "incident-link");
      p.appendChild(document.createTextNode("Source: "));
      p.appendChild(a);
      box.appendChild(p);
    } else if (inc.title) {
      box.appendChild(el("p", "incident-link", "Source: " + inc.title));
    }
    return box;
  };

  IncidentMap.prototype.areaPopup = function (group) {
    var box = el("div", "incident-popup incident-area-popup");
    var n = group.length;
    box.appendChild(
      el(
        "p",
        "incident-area-note",
        n === 1
          ? "Located only to the " + (group[0].precision >= 3 ? "region or country" : "part of a region") +
              "; the shaded area marks it."
          : n + " incidents located only to " + group[0].place + "."
      )
    );
    for (var i = 0; i < Math.min(n, MAX_AREA_POPUP_ITEMS); i++) {
      box.appendChild(this.describe(group[i], n > 1));
    }
    if (n > MAX_AREA_POPUP_ITEMS) {
      box.appendChild(el("p", "incident-more", "\u2026 and " + (n - MAX_AREA_POPUP_ITEMS) + " more"));
    }
    return box;
  };

  /* ---- drawing ---------------------------------------------------------------------------- */

  IncidentMap.prototype.marker = function (inc) {
    var self = this;
    var icon = L.divIcon({ className: "incident-marker", iconSize: [14, 14] });
    var color = this.color(inc.type);
    // Colour through the DOM (not an inline style attribute, which the CSP forbids).
    icon.createIcon = function (old) {
      var node = L.DivIcon.prototype.createIcon.call(this, old);
      node.style.backgroundColor = color;
      return node;
    };
    var title = (inc.date || "undated") + " \u00b7 " + inc.type + " \u00b7 " + inc.place;
    var marker = L.marker([inc.lat, inc.lon], { icon: icon, title: title, alt: title });
    marker.bindPopup(
      function () {
        var box = el("div", "incident-popup");
        box.appendChild(self.describe(inc, false));
        return box;
      },
      { maxWidth: 360, className: "incident-popup-wrapper" }
    );
    return marker;
  };

  IncidentMap.prototype.area = function (group) {
    var self = this;
    var inc = group[0];
    var color = this.color(inc.type);
    var style = { color: color, weight: 2, opacity: 0.8, fillColor: color, fillOpacity: 0.12 };
    var layer = null;
    var outline = inc.cc && COUNTRY_CODES[inc.featureCode] ? this.outlineIndex[inc.cc] : null;
    if (outline) {
      var countryStyle = L.extend({ className: "incident-area incident-country" }, style);
      layer = L.geoJSON(outline, {
        style: function () {
          return countryStyle;
        },
      });
    } else {
      var radius = this.config.areaRadius[String(inc.precision)] || this.config.areaRadius["2"];
      layer = L.circle([inc.lat, inc.lon], L.extend({ radius: radius, className: "incident-area" }, style));
    }
    layer.bindPopup(
      function () {
        return self.areaPopup(group);
      },
      { maxWidth: 380, maxHeight: 360, className: "incident-popup-wrapper" }
    );
    return layer;
  };

  IncidentMap.prototype.render = function (list) {
    var markers = [];
    var groups = {};
    var order = [];
    for (var i = 0; i < list.length; i++) {
      var inc = list[i];
      if (!isFinite(inc.lat) || !isFinite(inc.lon)) continue;
      if (inc.precision >= 2) {
        var key = inc.lat.toFixed(4) + "," + inc.lon.toFixed(4) + "," + inc.precision + "," + inc.type;
        if (!groups[key]) {
          groups[key] = [];
          order.push(key);
        }
        groups[key].push(inc);
      } else {
        markers.push(this.marker(inc));
      }
    }
    this.cluster.clearLayers();
    this.areas.clearLayers();
    this.cluster.addLayers(markers);
    for (var j = 0; j < order.length; j++) this.areas.addLayer(this.area(groups[order[j]]));
    this.shown = list.length;
    this.lastList = list;
    mark("mapapp:rendered");
    this.requestOutlines();
    this.updateStatus(markers.length, list.length - markers.length);
  };

  IncidentMap.prototype.apply = function () {
    if (this.config.mode === "bbox") {
      this.scheduleLoad(0);
    } else {
      var self = this;
      this.render(
        this.incidents.filter(function (inc) {
          return self.matches(inc);
        })
      );
    }
    this.updateShareState();
  };

  /* ---- large layers: load the visible bbox from the GeoJSON endpoint ---------------------- */

  IncidentMap.prototype.viewBbox = function () {
    var b = this.map.getBounds();
    var west = b.getWest();
    var east = b.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    } else {
      // Leaflet longitudes run past +-180 after panning around the world; wrap them back.
      west = L.Util.wrapNum(west, [-180, 180], true);
      east = L.Util.wrapNum(east, [-180, 180], true);
      if (east < west) {
        // The view crosses the antimeridian: load the wider side rather than nothing.
        if (180 - west > east + 180) east = 180;
        else west = -180;
      }
    }
    var south = Math.max(-90, b.getSouth());
    var north = Math.min(90, b.getNorth());
    return [west, south, east, north].map(function (v) {
      return Math.round(v * 1e5) / 1e5;
    });
  };

  IncidentMap.prototype.scheduleLoad = function (delay) {
    var self = this;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(function () {
      self.loadVisible();
    }, delay);
  };

  IncidentMap.prototype.loadVisible = function () {
    var self = this;
    var params = new URLSearchParams();
    var bbox = this.viewBbox();
    var extent = this.config.layerBbox;
    // A view holding the whole layer needs no spatial filter, and the store answers an
    // unfiltered page much faster than a bbox that matches everything.
    var holdsLayer =
      extent && bbox[0] <= extent[0] && bbox[1] <= extent[1] && bbox[2] >= extent[2] && bbox[3] >= extent[3];
    if (!holdsLayer) params.set("bbox", bbox.join(","));
    params.set("limit", String(this.config.fetchLimit));
    if (this.filter.start || this.filter.end) {
      // OGC API Features: one interval, ".." for an open end.
      params.set("datetime", (this.filter.start || "..") + "/" + (this.filter.end || ".."));
    }
    params.set("f", "json");
    if (this.filter.types !== null) {
      if (!this.filter.types.length) {
        if (this.request) this.request.abort();
        this.request = null;
        this.requestUrl = null;
        this.matched = 0;
        this.render([]);
        return;
      }
      params.set("type", this.filter.types.join(","));
    }
    var url = this.config.featuresUrl + "?" + params.toString();
    // Leaflet fires moveend for moves that change nothing we ask for (e.g. right after load):
    // never abort or repeat a request for the same data.
    if (url === this.requestUrl) return;
    if (this.request) this.request.abort();
    var controller = new AbortController();
    this.request = controller;
    this.requestUrl = url;
    this.setBusy(true);
    fetch(url, {
      signal: controller.signal,
      headers: { Accept: "application/geo+json, application/json" },
    })
      .then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json();
      })
      .then(function (data) {
        if (controller !== self.request) return;
        mark("mapapp:features-parsed");
        var features = (data && data.features) || [];
        self.matched = typeof data.numberMatched === "number" ? data.numberMatched : null;
        self.render(features.map(fromFeature).filter(self.matches.bind(self)));
        self.setBusy(false);
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return;
        self.requestUrl = null; // allow a retry of the same view
        self.setBusy(false);
        self.requestOutlines();
        self.setStatus("Could not load incidents for this view (" + err.message + ").");
      });
  };

  /* ---- controls --------------------------------------------------------------------------- */

  IncidentMap.prototype.buildPanel = function () {
    var self = this;
    var cfg = this.config;
    var Panel = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = el("div", "leaflet-control mapapp-panel");
        var details = el("details");
        details.open = !cfg.collapsePanel && window.innerWidth >= 640;
        details.appendChild(el("summary", null, "Filter & legend"));
        var form = el("form", "mapapp-filter");
        form.setAttribute("aria-label", "Filter incidents");

        var dates = el("fieldset", "mapapp-dates");
        dates.appendChild(el("legend", null, "Dates"));
        function dateInput(label, name, value) {
          var lab = el("label", null, label + " ");
          var input = el("input");
          input.type = "date";
          input.name = name;
          input.value = value || "";
          if (cfg.dateRange.min) input.min = cfg.dateRange.min;
          if (cfg.dateRange.max) input.max = cfg.dateRange.max;
          input.addEventListener("change", function () {
            self.filter[name] = input.value || "";
            self.apply();
          });
          lab.appendChild(input);
          dates.appendChild(lab);
          return input;
        }
        self.startInput = dateInput("From", "start", self.filter.start);
        self.endInput = dateInput("To", "end", self.filter.end);
        form.appendChild(dates);

        var types = el("fieldset", "mapapp-types");
        types.appendChild(el("legend", null, "Event types"));
        self.typeInputs = [];
        cfg.types.forEach(function (t) {
          var lab = el("label", "mapapp-type");
          var input = el("input");
          input.type = "checkbox";
          input.value = t.name;
          input.checked = self.filter.types === null || self.filter.types.indexOf(t.name) >= 0;
          input.addEventListener("change", function () {
            self.filter.types = self.typeInputs
              .filter(function (i) {
                return i.checked;
              })
              .map(function (i) {
                return i.value;
              });
            if (self.filter.types.length === self.typeInputs.length) self.filter.types = null;
            self.apply();
          });
          self.typeInputs.push(input);
          var swatch = el("span", "swatch");
          swatch.style.backgroundColor = t.color;
          lab.appendChild(input);
          lab.appendChild(swatch);
          lab.appendChild(el("span", "mapapp-type-name", t.name));
          types.appendChild(lab);
        });
        form.appendChild(types);

        var reset = el("button", "mapapp-reset", "Show all");
        reset.type = "button";
        reset.addEventListener("click", function () {
          self.filter = { start: "", end: "", types: null };
          self.startInput.value = "";
          self.endInput.value = "";
          self.typeInputs.forEach(function (i) {
            i.checked = true;
          });
          self.apply();
        });
        form.appendChild(reset);
        form.addEventListener("submit", function (ev) {
          ev.preventDefault();
        });
        details.appendChild(form);
        box.appendChild(details);
        self.statusNode = el("p", "mapapp-status");
        self.statusNode.setAttribute("role", "status");
        self.statusNode.setAttribute("aria-live", "polite");
        box.appendChild(self.statusNode);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      },
    });
    new Panel().addTo(this.map);
  };

  IncidentMap.prototype.setStatus = function (text) {
    if (this.statusNode) this.statusNode.textContent = text;
  };

  IncidentMap.prototype.setBusy = function (busy) {
    this.map.getContainer().classList.toggle("mapapp-loading", busy);
  };

  IncidentMap.prototype.updateStatus = function (pins, areas) {
    var n = pins + areas;
    var text = n.toLocaleString("en") + (n === 1 ? " incident shown" : " incidents shown");
    if (areas) text += " (" + areas.toLocaleString("en") + " as areas)";
    if (this.config.mode === "bbox") {
      if (this.matched !== null && this.matched > n) {
        text +=
          " \u2014 the latest " + n.toLocaleString("en") + " of " +
          this.matched.toLocaleString("en") + " in view; zoom in for more";
      } else {
        text += " in view";
      }
    }
    this.setStatus(text);
    var root = document.documentElement;
    root.setAttribute("data-incidents-shown", String(n));
    root.setAttribute("data-markers-shown", String(pins));
  };

  /* ---- offline: country outlines from the gazetteer --------------------------------------- */

  /* Outlines (about a megabyte) wait for the first incidents, so they never delay them. */
  IncidentMap.prototype.requestOutlines = function () {
    if (this.outlinesRequested) return;
    this.outlinesRequested = true;
    var self = this;
    setTimeout(function () {
      self.loadOutlines();
    }, 0);
  };

  IncidentMap.prototype.loadOutlines = function () {
    var self = this;
    if (!this.config.outlinesUrl) return;
    fetch(this.config.outlinesUrl)
      .then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json();
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pane: "outlines",
          interactive: false,
          style: function () {
            return { className: "country-outline", color: "#7a7a7a", weight: 0.8, fill: true };
          },
          onEachFeature: function (feature) {
            var cc = feature.properties && feature.properties.country_code;
            if (cc) self.outlineIndex[cc] = feature;
          },
        });
        self.outlines.addLayer(layer);
        self.map.getContainer().classList.add("outlines-loaded");
        // Country-level incidents can now be drawn as the country itself.
        if (self.lastList) self.render(self.lastList);
      })
      .catch(function () {
        /* the base tiles (when reachable) still show the geography */
      });
  };

  IncidentMap.prototype.watchTiles = function () {
    var container = this.map.getContainer();
    var loaded = 0;
    var failed = 0;
    var self = this;
    this.map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) return;
      layer.on("tileload", function () {
        loaded += 1;
        container.classList.remove("tiles-offline");
      });
      layer.on("tileerror", function () {
        failed += 1;
        if (!loaded) container.classList.add("tiles-offline");
      });
    });
    // Blocked tiles sometimes neither load nor fail (a firewall dropping packets).
    setTimeout(function () {
      if (!loaded) container.classList.add("tiles-offline");
    }, 4000);
    return self;
  };

  /* ---- sharing: the URL of this view and the embed snippet -------------------------------- */

  IncidentMap.prototype.viewParams = function () {
    var c = this.map.getCenter().wrap();
    var params = new URLSearchParams();
    params.set("lat", c.lat.toFixed(4));
    params.set("lon", c.lng.toFixed(4));
    params.set("zoom", String(this.map.getZoom()));
    if (this.filter.start) params.set("start", this.filter.start);
    if (this.filter.end) params.set("end", this.filter.end);
    if (this.filter.types !== null) params.set("type", this.filter.types.join(","));
    return params;
  };

  IncidentMap.prototype.updateShareState = function () {
    var cfg = this.config;
    if (cfg.page !== "map") return;
    var params = this.viewParams();
    try {
      history.replaceState(null, "", location.pathname + "?" + params.toString());
    } catch (e) {
      /* sandboxed documents may refuse; the snippet still works */
    }
    var code = document.getElementById("embed-code");
    if (code) {
      var heightInput = document.getElementById("embed-height");
      var height = parseInt(heightInput && heightInput.value, 10);
      if (!(height >= 200 && height <= 2000)) height = cfg.embedHeight;
      params.set("height", String(height));
      var src = cfg.embedUrl + "?" + params.toString();
      // The snippet is text for the user's page; every attribute value is escaped (a style
      // attribute cannot be set on a live element here: the CSP forbids inline styles).
      code.value =
        '<iframe src="' + escapeAttr(src) + '" title="' + escapeAttr(cfg.title) +
        '" width="100%" height="' + height +
        '" style="border:0;width:100%;max-width:100%" loading="lazy" allowfullscreen' +
        ' referrerpolicy="strict-origin-when-cross-origin"></iframe>';
    }
  };

  IncidentMap.prototype.wireShareBox = function () {
    var self = this;
    var code = document.getElementById("embed-code");
    var copy = document.getElementById("embed-copy");
    var heightInput = document.getElementById("embed-height");
    if (heightInput) {
      heightInput.addEventListener("input", function () {
        self.updateShareState();
      });
    }
    if (code && copy) {
      copy.addEventListener("click", function () {
        code.select();
        var done = function () {
          copy.textContent = "Copied";
          setTimeout(function () {
            copy.textContent = "Copy";
          }, 1500);
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(code.value).then(done, function () {
            document.execCommand("copy");
            done();
          });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    }
  };

  /* ---- start ------------------------------------------------------------------------------ */

  IncidentMap.prototype.start = function () {
    var self = this;
    this.buildPanel();
    this.watchTiles();
    this.wireShareBox();
    if (this.config.mode === "bbox") {
      this.map.on("moveend", function () {
        self.scheduleLoad(300);
      });
    } else {
      var data = readJSON("mapapp-incidents");
      this.incidents = ((data && data.features) || []).map(fromFeature);
    }
    this.map.on("moveend", function () {
      self.updateShareState();
    });
    this.apply();
  };

  function boot() {
    var config = readJSON("mapapp-config");
    if (!config || !window.L || !window[config.names.map]) return;
    var app = new IncidentMap(config);
    window.mapappIncidentMap = app;
    app.start();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
