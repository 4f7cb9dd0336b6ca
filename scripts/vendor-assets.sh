#!/usr/bin/env bash
# Refresh the vendored front-end assets, the Natural Earth TopoJSON and the US Census counties
# TopoJSON (us-atlas) from the npm registry.
# Run by a maintainer when upgrading; the results are committed, so installs need no npm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent leaflet@1.9.4 leaflet.markercluster@1.5.3 leaflet.fullscreen@5.3.3 world-atlas@2.0.2 \
  us-atlas@3.0.1 >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
v="$root/static/vendor"
mkdir -p "$v/leaflet" "$v/markercluster" "$v/fullscreen"
cp -r leaflet-1.9.4/package/dist/{leaflet.js,leaflet.css,images} leaflet-1.9.4/package/LICENSE "$v/leaflet/"
cp leaflet.markercluster-1.5.3/package/dist/{leaflet.markercluster.js,MarkerCluster.css,MarkerCluster.Default.css} \
   leaflet.markercluster-1.5.3/package/MIT-LICENCE.txt "$v/markercluster/"
cp leaflet.fullscreen-5.3.3/package/dist/{Control.FullScreen.umd.js,Control.FullScreen.css} \
   leaflet.fullscreen-5.3.3/package/LICENSE.md "$v/fullscreen/"
cp world-atlas-2.0.2/package/countries-10m.json "$root/gazetteer/data/countries-10m.json"
cp world-atlas-2.0.2/package/LICENSE "$root/gazetteer/data/world-atlas-LICENSE"
cp us-atlas-3.0.1/package/counties-10m.json "$root/gazetteer/data/us-counties-10m.json"
cp us-atlas-3.0.1/package/LICENSE "$root/gazetteer/data/us-atlas-LICENSE"
echo "vendored into $v and gazetteer/data"
