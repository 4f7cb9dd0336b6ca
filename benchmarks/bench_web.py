"""Web benchmark: our Flask app under gunicorn vs pygeoapi on the same incidents, with wrk.

    MAPAPP_HOME=/work/var/home .venv/bin/python benchmarks/bench_web.py

What it does (everything on loopback, bounded durations, servers killed at the end):

1. Builds (once, reused while the counts match) a store in ``--workdir`` with a ``small`` layer of
   10,000 and a ``large`` layer of 1,000,000 synthetic incidents (``bench_store.fill``: uniform over
   the Levant/Iraq and three years, all ACLED event types).
2. Copies both layers into a SpatiaLite database for pygeoapi's SQLite provider (same features,
   the same properties as our GeoJSON; lists as JSON text). Python's own sqlite3 in ``.venv`` cannot
   load extensions, so pygeoapi runs from its own venv on the system Python (which can load
   ``mod_spatialite``; Debian package ``libsqlite3-mod-spatialite``), created here on first use
   with the same pygeoapi version as ``.venv``.
3. Starts ``gunicorn --workers 2 --worker-class gthread --threads 4`` (the Procfile's; set with
   ``--worker-class``/``--worker-threads``) for each server and runs wrk (Debian package ``wrk``):
   - the whole 10,000-incident layer as GeoJSON: ours ``/layers/small.geojson`` (identity, gzip,
     and a revalidation with ``If-None-Match`` -> 304), pygeoapi ``/collections/small/items?limit=10000``;
   - an items query with a random 0.5 degree bbox (a map viewport, ~2,000 matches) and
     ``limit=100`` on the 1,000,000-incident layer, a fresh bbox per request (wrk Lua script), so
     nothing is served from a cache.
   Runs are followed by a drain (sequential requests) so that requests wrk abandoned at the end of
   a run never queue in front of the next run's.
4. Prints a Markdown table (req/s, latency p50/p99, the server's CPU time per request from
   /proc, throughput, errors), the load average, and the ratios. On a shared machine the CPU
   time per request is the steadier figure: wall-clock latency includes waiting for a core.

Goals (issue 5): >= 1,000 req/s for the 10,000-incident GeoJSON; p50 <= 20 ms for the bbox items
query on 1,000,000 incidents.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import EXTENT, fill  # noqa: E402 - the store benchmark's synthetic incidents

from mapapp.errors import UnknownLayer  # noqa: E402
from mapapp.store.sqlite import SQLiteStore  # noqa: E402

VENV_BIN = Path(sys.executable).parent
SYSTEM_PYTHON = "/usr/bin/python3"
BBOX_DEG = 0.5


def log(message: str) -> None:
    print(f"[bench_web] {message}", file=sys.stderr, flush=True)


# -- data -------------------------------------------------------------------------------------


def prepare_store(path: Path, sizes: dict[str, int]) -> None:
    store = SQLiteStore(path)
    try:
        for name, n in sizes.items():
            try:
                count = store.get_layer(name).count
            except UnknownLayer:
                count = -1
            if count == n:
                log(f"layer {name}: {n} incidents (reused)")
                continue
            if count >= 0:
                store.delete_layer(name)
            log(f"layer {name}: loading {n} synthetic incidents ...")
            seconds = fill(store, name, n)
            log(f"layer {name}: loaded in {seconds:.1f} s")
    finally:
        store.close()


def _column_type(value: object) -> str:
    if isinstance(value, bool | int):
        return "INTEGER"
    if isinstance(value, float):
        return "REAL"
    return "TEXT"


def _flat_value(value: object) -> object:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def flatten_layers(store_path: Path, flat_path: Path, layers: list[str]) -> list[list[str]]:
    """Plain SQLite tables (id, lon, lat, every GeoJSON property) for the SpatiaLite copy."""
    flat_path.unlink(missing_ok=True)
    store = SQLiteStore(store_path)
    out = sqlite3.connect(flat_path)
    columns: list[list[str]] = []
    try:
        for layer in layers:
            rows = store.iter_query(layer)
            first = next(rows)
            props = first.properties()
            columns = [["id", "TEXT"]] + [[k, _column_type(v)] for k, v in props.items()]
            ddl = ", ".join(f'"{name}" {kind}' for name, kind in columns)
            out.execute(f'CREATE TABLE "{layer}" ({ddl}, lon REAL, lat REAL)')
            marks = ", ".join("?" * (len(columns) + 2))

            def values(incident, props=props):  # noqa: ANN001, ANN202
                feature = incident.to_feature()
                lon, lat = feature["geometry"]["coordinates"]
                p = feature["properties"]
                return [feature["id"], *(_flat_value(p[k]) for k in props), lon, lat]

            out.execute(f'INSERT INTO "{layer}" VALUES ({marks})', values(first))
            batch = []
            for incident in rows:
                batch.append(values(incident))
                if len(batch) == 20_000:
                    out.executemany(f'INSERT INTO "{layer}" VALUES ({marks})', batch)
                    batch.clear()
            out.executemany(f'INSERT INTO "{layer}" VALUES ({marks})', batch)
            out.commit()
    finally:
        out.close()
        store.close()
    return columns


SPATIALITE_LOADER = textwrap.dedent(
    """
    import json, sqlite3, sys
    flat, dst, layers, columns = sys.argv[1], sys.argv[2], sys.argv[3].split(","), json.loads(sys.argv[4])
    conn = sqlite3.connect(dst)
    conn.enable_load_extension(True)
    conn.load_extension("mod_spatialite")
    conn.execute("SELECT InitSpatialMetadata(1)")
    conn.execute("ATTACH DATABASE ? AS flat", (flat,))
    names = ", ".join('"%s"' % name for name, _ in columns)
    ddl = ", ".join('"%s" %s' % (name, kind) + (" PRIMARY KEY" if name == "id" else "") for name, kind in columns)
    for layer in layers:
        conn.execute('CREATE TABLE "%s" (%s)' % (layer, ddl))
        conn.execute("SELECT AddGeometryColumn(?, 'geometry', 4326, 'POINT', 'XY')", (layer,))
        conn.execute('INSERT INTO "%s" (%s, geometry) SELECT %s, MakePoint(lon, lat, 4326) FROM flat."%s"'
                     % (layer, names, names, layer))
        conn.commit()
    conn.close()
    """
)


def prepare_spatialite(workdir: Path, store_path: Path, sizes: dict[str, int], python: str) -> Path:
    db = workdir / "pygeoapi.sqlite"
    stamp = workdir / "pygeoapi.stamp"
    # The synthetic layers are generated from fixed seeds, so the same sizes mean the same
    # features (only created/updated timestamps differ); a store migration keeps the copy.
    want = json.dumps({"sizes": sizes})
    if db.exists() and stamp.exists() and json.loads(stamp.read_text())["sizes"] == sizes:
        log("spatialite copy for pygeoapi: reused")
        return db
    log("spatialite copy for pygeoapi: flattening the layers ...")
    flat = workdir / "flat.sqlite"
    columns = flatten_layers(store_path, flat, list(sizes))
    db.unlink(missing_ok=True)
    log("spatialite copy for pygeoapi: loading with mod_spatialite ...")
    subprocess.run(
        [python, "-c", SPATIALITE_LOADER, str(flat), str(db), ",".join(sizes), json.dumps(columns)],
        check=True,
        timeout=3600,
    )
    flat.unlink()
    stamp.write_text(want)
    return db


# -- pygeoapi ---------------------------------------------------------------------------------


def pygeoapi_venv(workdir: Path) -> Path:
    """A venv on the system Python (sqlite3 with extension loading) with the same pygeoapi."""
    from importlib.metadata import version

    wanted = version("pygeoapi")
    venv = workdir / "pygeoapi-venv"
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import pygeoapi, gunicorn; print(pygeoapi.__version__)"]
    ok = (
        python.exists()
        and subprocess.run(probe, capture_output=True, text=True).stdout.strip() == wanted
    )
    if not ok:
        log(f"creating {venv} with pygeoapi {wanted} (system Python, for mod_spatialite) ...")
        subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", f"pygeoapi=={wanted}", "gunicorn"],
            check=True,
            timeout=900,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return venv


def pygeoapi_config(workdir: Path, db: Path, port: int, sizes: dict[str, int]) -> Path:
    resources = {}
    for name in sizes:
        resources[name] = {
            "type": "collection",
            "title": f"{name} incidents",
            "description": f"{sizes[name]} synthetic incidents",
            "keywords": ["incidents"],
            "links": [],
            "extents": {
                "spatial": {
                    "bbox": list(EXTENT),
                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                }
            },
            "providers": [
                {
                    "type": "feature",
                    "name": "SQLiteGPKG",
                    "data": str(db),
                    "id_field": "id",
                    "table": name,
                }
            ],
        }
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "language": "en-US",
            "limits": {"default_items": 100, "max_items": 10_000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OSM"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "bench",
                "description": "bench",
                "keywords": ["bench"],
                "keywords_type": "theme",
                "terms_of_service": "https://example.org",
                "url": "https://example.org",
            },
            "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "bench", "url": "https://example.org"},
            "contact": {
                "name": "bench",
                "position": "bench",
                "address": "-",
                "city": "-",
                "stateorprovince": "-",
                "postalcode": "-",
                "country": "-",
                "phone": "-",
                "fax": "-",
                "email": "bench@example.org",
                "url": "https://example.org",
                "hours": "-",
                "instructions": "-",
                "role": "pointOfContact",
            },
        },
        "resources": resources,
    }
    path = workdir / "pygeoapi-config.yml"
    path.write_text(json.dumps(config, indent=1))  # JSON is YAML
    return path


# -- servers and wrk --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(cmd: list[str], env: dict[str, str], url: str, logfile: Path) -> subprocess.Popen:
    out = logfile.open("wb")
    proc = subprocess.Popen(
        cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}); see {logfile}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return proc
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"server did not answer {url}; see {logfile}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_SIZE = {"B": 1 / 1e6, "KB": 1 / 1e3, "MB": 1.0, "GB": 1e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def run_wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    threads: int,
    headers: list[str] = (),
    script: str | None = None,
) -> dict[str, float]:
    cmd = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    for header in headers:
        cmd += ["-H", header]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=duration + 120, check=True
    ).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "errors": 0,
    }
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    result["mbps"] = (
        float(transfer.group(1)) * _SIZE.get(transfer.group(2), 1.0) if transfer else 0.0
    )
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["errors"] = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(g) for g in sock.groups()) if sock else 0
    )
    return result


SC_GJ = "whole small layer: GeoJSON download"
SC_GZ = "whole small layer: GeoJSON download, gzip"
SC_304 = "whole small layer: revalidation (If-None-Match -> 304)"
SC_ITEMS = "whole small layer: OGC items?limit=10000 (uncached)"
SC_BBOX = "large layer: OGC items, random 0.5° bbox, limit=100"


def drain(url: str) -> None:
    """Wait until requests abandoned by wrk have left the workers (a few sequential requests)."""
    for _ in range(4):
        try:
            get_json(url)
        except (urllib.error.URLError, OSError, ValueError):
            time.sleep(1)


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU time of every process in a process group (the gunicorn master and
    its workers: each server is started in its own session). Linux /proc."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


SERVERS: dict[str, int] = {}  # server name -> process group id


def bench(rows: list, scenario: str, server: str, url: str, **opts: object) -> None:
    """One wrk run; also the server's CPU time per request, which the machine's load does
    not inflate the way it inflates wall-clock latency."""
    base = re.match(r"https?://[^/]+", url).group(0)
    pgid = SERVERS[server]
    cpu0 = group_cpu_seconds(pgid)
    result = run_wrk(url, **opts)
    result["cpu_ms"] = (group_cpu_seconds(pgid) - cpu0) * 1000 / max(result["requests"], 1)
    rows.append((scenario, server, result))
    drain(base + ("/api/layers" if server == "mapapp" else "/collections?f=json"))


BBOX_SCRIPT = """
math.randomseed(%(seed)d)
local base = "%(path)s"
request = function()
  local lon = %(min_lon)f + math.random() * %(span_lon)f
  local lat = %(min_lat)f + math.random() * %(span_lat)f
  local path = string.format("%%s%%sbbox=%%.4f,%%.4f,%%.4f,%%.4f&limit=100", base,
    string.find(base, "?", 1, true) and "&" or "?", lon, lat, lon + %(size)f, lat + %(size)f)
  return wrk.format("GET", path)
end
"""


def bbox_script(workdir: Path, name: str, path: str) -> str:
    min_lon, min_lat, max_lon, max_lat = EXTENT
    script = workdir / f"{name}.lua"
    script.write_text(
        BBOX_SCRIPT
        % {
            "seed": 42,
            "path": path,
            "min_lon": min_lon,
            "min_lat": min_lat,
            "span_lon": max_lon - min_lon - BBOX_DEG,
            "span_lat": max_lat - min_lat - BBOX_DEG,
            "size": BBOX_DEG,
        }
    )
    return str(script)


def get_json(url: str, headers: dict[str, str] | None = None) -> tuple[dict, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        return json.loads(response.read()), dict(response.headers)


# -- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mapapp-bench-web"
    )
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-pygeoapi", action="store_true")
    parser.add_argument(
        "--worker-class",
        default="gthread",
        help="gunicorn worker class for both servers (the Procfile's: gthread)",
    )
    parser.add_argument("--worker-threads", type=int, default=4)
    args = parser.parse_args()
    # As in the Procfile: gthread workers keep connections alive (sync workers close every
    # connection after one response, so each request pays a TCP handshake) and overlap
    # sending large bodies with other requests.
    gunicorn_opts = ["--workers", "2", "--worker-class", args.worker_class]
    if args.worker_class == "gthread":
        gunicorn_opts += ["--threads", str(args.worker_threads)]
    # A plain `kill` must still stop the servers (the finally block below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    store_path = workdir / "incidents.sqlite"
    sizes = {"small": args.small, "large": args.large}
    prepare_store(store_path, sizes)

    servers: list[subprocess.Popen] = []
    rows: list[tuple[str, str, dict[str, float]]] = []
    wrk_opts = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
    # Queries (whole-layer items, bbox items): one connection per worker, so the latency measured
    # is the service time, not time spent queueing behind other connections.
    heavy_opts = {**wrk_opts, "connections": 2}
    try:
        ours_port = free_port()
        env = {
            **os.environ,
            "MAPAPP_HOME": str(workdir),
            "MAPAPP_STORE_URL": str(store_path),
            "MAPAPP_ENV": "development",
            "MAPAPP_MAX_FEATURES": str(max(args.small, 200_000)),
        }
        ours = f"http://127.0.0.1:{ours_port}"
        servers.append(
            start_server(
                [
                    str(VENV_BIN / "gunicorn"),
                    *gunicorn_opts,
                    "--bind",
                    f"127.0.0.1:{ours_port}",
                    "--timeout",
                    "120",
                    "mapapp:create_app()",
                ],
                env,
                f"{ours}/api/layers",
                workdir / "gunicorn-mapapp.log",
            )
        )
        SERVERS["mapapp"] = servers[-1].pid
        # Correctness first: the download is the whole layer.
        doc, headers = get_json(f"{ours}/layers/small.geojson")
        assert len(doc["features"]) == args.small, len(doc["features"])
        size_mb = len(json.dumps(doc)) / 1e6
        etag = headers["ETag"]
        for _ in range(4):  # warm both workers' caches (the gzip body is made with the body)
            get_json(f"{ours}/layers/small.geojson")
        geojson = f"{ours}/layers/small.geojson"
        # Order matters with sync workers: the slow whole-layer items run goes last, and every run
        # is followed by a drain so that abandoned requests never queue in front of the next one.
        bench(
            rows,
            SC_BBOX,
            "mapapp",
            ours,
            script=bbox_script(workdir, "ours", "/ogc/collections/large/items"),
            **heavy_opts,
        )
        bench(rows, SC_GJ, "mapapp", geojson, **wrk_opts)
        bench(rows, SC_GZ, "mapapp", geojson, headers=["Accept-Encoding: gzip"], **wrk_opts)
        bench(rows, SC_304, "mapapp", geojson, headers=[f"If-None-Match: {etag}"], **wrk_opts)
        bench(
            rows,
            SC_ITEMS,
            "mapapp",
            f"{ours}/ogc/collections/small/items?limit=10000",
            **heavy_opts,
        )

        if not args.skip_pygeoapi:
            venv = pygeoapi_venv(workdir)
            db = prepare_spatialite(workdir, store_path, sizes, str(venv / "bin" / "python"))
            port = free_port()
            config = pygeoapi_config(workdir, db, port, sizes)
            openapi = workdir / "pygeoapi-openapi.yml"
            penv = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
            subprocess.run(
                [
                    str(venv / "bin" / "pygeoapi"),
                    "openapi",
                    "generate",
                    str(config),
                    "--output-file",
                    str(openapi),
                ],
                env=penv,
                check=True,
                capture_output=True,
                timeout=300,
            )
            theirs = f"http://127.0.0.1:{port}"
            servers.append(
                start_server(
                    [
                        str(venv / "bin" / "gunicorn"),
                        *gunicorn_opts,
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--timeout",
                        "120",
                        "pygeoapi.flask_app:APP",
                    ],
                    penv,
                    f"{theirs}/collections?f=json",
                    workdir / "gunicorn-pygeoapi.log",
                )
            )
            SERVERS["pygeoapi"] = servers[-1].pid
            # The same data: the same number of features in the whole layer and in a bbox.
            small = f"{theirs}/collections/small/items?f=json&limit=10000"
            their_doc, _ = get_json(small)
            assert len(their_doc["features"]) == args.small, len(their_doc["features"])
            box = "36.0,33.0,36.5,33.5"
            mine, _ = get_json(f"{ours}/ogc/collections/large/items?bbox={box}&limit=10000")
            their_box, _ = get_json(
                f"{theirs}/collections/large/items?f=json&bbox={box}&limit=10000"
            )
            assert mine["numberReturned"] == len(their_box["features"]), (
                mine["numberReturned"],
                len(their_box["features"]),
            )
            bench(
                rows,
                SC_BBOX,
                "pygeoapi",
                theirs,
                script=bbox_script(workdir, "pygeoapi", "/collections/large/items?f=json"),
                **heavy_opts,
            )
            bench(rows, SC_ITEMS, "pygeoapi", small, **heavy_opts)
    finally:
        for proc in servers:
            stop_server(proc)

    print(
        f"\nweb benchmark: gunicorn {' '.join(gunicorn_opts)} each, wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s (items queries: -c2, one per worker), loopback; small layer {args.small:,} incidents "
        f"({size_mb:.1f} MB GeoJSON), large layer {args.large:,}\n"
    )
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}\n")
    print(
        "| scenario | server | req/s | p50 ms | p99 ms | server CPU ms/req | MB/s | requests "
        "| errors |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for scenario, server, r in rows:
        print(
            f"| {scenario} | {server} | {r['rps']:,.1f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['cpu_ms']:.2f} | {r['mbps']:.1f} | {r['requests']:,} | {r['errors']} |"
        )
    by = {(s, srv): r for s, srv, r in rows}
    print()
    for scenario, ours_key in (
        (SC_ITEMS, SC_ITEMS),
        (SC_ITEMS, SC_GJ),
        (SC_ITEMS, SC_GZ),
        (SC_BBOX, SC_BBOX),
    ):
        ours_r, theirs_r = by.get((ours_key, "mapapp")), by.get((scenario, "pygeoapi"))
        if ours_r and theirs_r and theirs_r["rps"]:
            print(
                f'- mapapp "{ours_key}" vs pygeoapi "{scenario}": '
                f"{ours_r['rps'] / theirs_r['rps']:.1f}x the req/s, p50 {ours_r['p50']:.1f} vs {theirs_r['p50']:.1f} ms"
            )
    items = by[(SC_BBOX, "mapapp")]
    print(
        f"- goal >= 1,000 req/s for the {args.small:,}-incident GeoJSON: identity {by[(SC_GJ, 'mapapp')]['rps']:,.0f}, "
        f"gzip {by[(SC_GZ, 'mapapp')]['rps']:,.0f}, 304 {by[(SC_304, 'mapapp')]['rps']:,.0f} req/s"
    )
    print(
        f"- goal p50 <= 20 ms for bbox items on {args.large:,}: {items['p50']:.1f} ms ({'met' if items['p50'] <= 20 else 'not met'})"
    )


if __name__ == "__main__":
    main()
