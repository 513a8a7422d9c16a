#!/usr/bin/env bash
# Regenerates the bundled SUMO scenarios with SUMO's own tools (Debian's sumo and sumo-tools 1.15):
# netgenerate builds the networks and their signal programs, randomTrips.py the demand as fringe-
# to-fringe flows over five 12-minute slices whose rates rise to a peak and fall again. Each flow's
# fixed period becomes a Poisson one (period="exp(rate)"), so SUMO's --seed varies the arrivals.
set -euo pipefail
cd "$(dirname "$0")"
export SUMO_HOME="${SUMO_HOME:-/usr/share/sumo}"
TRIPS="$SUMO_HOME/tools/randomTrips.py"

# Left-turn bays, protected left phases (6 s, after the through green, left permissive during it).
COMMON=(--grid --default-junction-type traffic_light --tls.guess --no-turnarounds
  --turn-lanes 1 --turn-lanes.length 50 --tls.left-green.time 6 --seed 1)

poisson() { # fixed periods to exponential headways with the same mean; drop the generator's header
  python3 - "$1" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)
text = re.sub(r'period="([0-9.]+)"', lambda m: 'period="exp(%.6f)"' % (1 / float(m.group(1))), text)
open(path, "w").write(text)
PY
}

# arterial: three signals 300 m apart on a two-lane street, side streets crossing it.
netgenerate "${COMMON[@]}" --grid.x-number 3 --grid.y-number 1 --grid.x-length 300 --grid.attach-length 200 \
  -L 2 -o arterial.net.xml >/dev/null 2>&1
python3 "$TRIPS" -n arterial.net.xml --fringe-factor max --min-distance 300 --flows 40 -b 0 -e 3600 -p 4 2.5 1.8 2.5 4 --seed 1 \
  -o arterial.rou.xml >/dev/null
poisson arterial.rou.xml

# grid: 3x3 signals 250 m apart.
netgenerate "${COMMON[@]}" --grid.x-number 3 --grid.y-number 3 --grid.length 250 --grid.attach-length 200 \
  -L 2 -o grid.net.xml >/dev/null 2>&1
python3 "$TRIPS" -n grid.net.xml --fringe-factor max --min-distance 300 --flows 60 -b 0 -e 3600 -p 2.6 1.7 1.2 1.7 2.6 --seed 1 \
  -o grid.rou.xml >/dev/null
poisson grid.rou.xml
rm -f arterial.trips.xml grid.trips.xml
echo "scenarios written: arterial, grid"
