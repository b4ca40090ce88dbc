#!/usr/bin/env bash
# perf/run.sh [SIZE]: measure ottr against tshark and the minimal-aggregator floor.
#
#   perf/run.sh            # 2GiB plant capture
#   perf/run.sh 512MiB     # smaller
#   MEMTEST=1 perf/run.sh  # also: ottr's peak anonymous memory on 2GiB vs 8GiB
#
# Environment:
#   SEED=1 HOSTS=256        gencap parameters (the plant; SIZE only sets the length)
#   TSHARK=/usr/bin/tshark  tshark binary
#   TSHARK_SIZE=256MiB      tshark runs ~10 MB/s, so it is timed on a smaller capture of
#                           the same plant (a prefix of the main one, same hosts and mix);
#                           TSHARK_SIZE=full times it on the main file itself
#   REPEAT=3                runs of floor and ottr (best wall time is reported)
#   TSHARK_REPEAT=1         runs of tshark
#   SKIP_TSHARK=1 SKIP_OTTR=1   leave a tool out
#   NO_BUILD=1              use the binaries already in target/release (no cargo build)
#   OTTR=target/release/ottr    the ottr binary to measure
#   MEMTEST=1               add the 2GiB-vs-8GiB peak memory test (needs 10 GiB of disk)
#
# Writes perf/runs/<date>-<hostname>/results.json (plus the raw measurements and each
# command's stdout) and prints a table. Captures go to perf/data/ (git-ignored).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SIZE=${1:-2GiB}
SEED=${SEED:-1}
HOSTS=${HOSTS:-256}
TSHARK=${TSHARK:-/usr/bin/tshark}
TSHARK_SIZE=${TSHARK_SIZE:-256MiB}
REPEAT=${REPEAT:-3}
TSHARK_REPEAT=${TSHARK_REPEAT:-1}
SKIP_TSHARK=${SKIP_TSHARK:-0}
SKIP_OTTR=${SKIP_OTTR:-0}
MEMTEST=${MEMTEST:-0}
NO_BUILD=${NO_BUILD:-0}
DATA=perf/data
BIN=target/release
OTTR=${OTTR:-$BIN/ottr}
NPROC=$(nproc)
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
HOST=$(hostname -s 2>/dev/null || hostname)
RUN=perf/runs/$STAMP-$HOST
MEAS=$RUN/measurements.jsonl

log() { printf '[run.sh] %s\n' "$*" >&2; }

mkdir -p "$DATA" "$RUN"
cp /proc/loadavg "$RUN/loadavg-start"
read -r LOAD1 _ < /proc/loadavg
if awk -v l="$LOAD1" 'BEGIN { exit !(l > 0.5) }'; then
    log "warning: load average is $LOAD1 before starting; timings will be noisy"
fi

# ---- build ---------------------------------------------------------------------------
if [ "$NO_BUILD" = 1 ]; then
    log "NO_BUILD=1: using the binaries in $BIN"
elif [ "$SKIP_OTTR" != 1 ]; then
    if ! cargo build --release -p ottr-perf -p ottr; then
        log "building ottr failed: measuring tshark and floor only"
        SKIP_OTTR=1
        cargo build --release -p ottr-perf
    fi
else
    cargo build --release -p ottr-perf
fi
if [ "$SKIP_OTTR" != 1 ] && [ ! -x "$OTTR" ]; then
    log "no $OTTR: measuring tshark and floor only"
    SKIP_OTTR=1
fi
if [ "$SKIP_TSHARK" != 1 ] && [ ! -x "$TSHARK" ]; then
    log "no tshark at $TSHARK: skipping it"
    SKIP_TSHARK=1
fi

# ---- captures ------------------------------------------------------------------------
capfile() {
    local suffix=""
    [ "$SEED" != 1 ] && suffix+="-s$SEED"
    [ "$HOSTS" != 256 ] && suffix+="-h$HOSTS"
    echo "$DATA/plant-$1$suffix.pcap"
}

# Generate the capture for a size unless it is already there (the .json sidecar is
# written only once gencap has finished, so an interrupted file is regenerated).
ensure_cap() {
    local f
    f=$(capfile "$1")
    if [ ! -s "$f" ] || [ ! -s "$f.json" ]; then
        log "generating $f"
        "$BIN/gencap" --out "$f" --size "$1" --seed "$SEED" --hosts "$HOSTS" --quiet > "$f.json.tmp"
        mv "$f.json.tmp" "$f.json"
    fi
    echo "$f"
}

warm() { cat "$1" > /dev/null; }

# Packet and byte counts of an input (floor --json), also a warm-up of the file's pages.
describe() {
    local out
    out="$RUN/input-$(basename "$1" .pcap).json"
    [ -s "$out" ] || "$BIN/floor" "$1" --json > "$out"
}

FILE=$(ensure_cap "$SIZE")
warm "$FILE"
describe "$FILE"

TFILE=$FILE
if [ "$SKIP_TSHARK" != 1 ] && [ "$TSHARK_SIZE" != full ]; then
    TFILE=$(ensure_cap "$TSHARK_SIZE")
    if [ "$(stat -c %s "$TFILE")" -ge "$(stat -c %s "$FILE")" ]; then
        TFILE=$FILE
    fi
    warm "$TFILE"
    describe "$TFILE"
fi

# ---- measurements --------------------------------------------------------------------
# measure NAME THREADS FILE REPEATS -- CMD...
measure() {
    local name=$1 threads=$2 file=$3 reps=$4 i
    shift 5
    for ((i = ${FIRST_REP:-1}; i <= reps; i++)); do
        case $name in ottr* | memtest*) rm -rf "$DATA/out" ;; esac
        log "$name ($i/$reps): $*"
        python3 perf/measure.py --tag "name=$name" --tag "threads=$threads" --tag "file=$file" --tag "rep=$i" \
            --stdout "$RUN/$name-$i.out" -- "$@" >> "$MEAS"
        tail -n 1 "$MEAS" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("[run.sh]   wall %.3f s, peak anon %.1f MiB, exit %d" % (m["wall_s"], m["max_rss_anon_bytes"]/2**20, m["exit_code"]), file=sys.stderr)'
    done
}

if [ "$SKIP_TSHARK" != 1 ]; then
    measure tshark 1 "$TFILE" "$TSHARK_REPEAT" -- "$TSHARK" -q -z conv,tcp -z conv,udp -z io,phs -r "$TFILE"
fi

measure floor "$NPROC" "$FILE" "$REPEAT" -- "$BIN/floor" "$FILE" --json
measure floor-t1 1 "$FILE" "$REPEAT" -- "$BIN/floor" "$FILE" --json --threads 1
if [ "$NPROC" -gt 2 ]; then
    measure floor-t2 2 "$FILE" "$REPEAT" -- "$BIN/floor" "$FILE" --json --threads 2
fi

if [ "$SKIP_OTTR" != 1 ]; then
    measure ottr "$NPROC" "$FILE" "$REPEAT" -- "$OTTR" analyze "$FILE" -o "$DATA/out" --quiet
    measure ottr-t1 1 "$FILE" "$REPEAT" -- "$OTTR" analyze "$FILE" -o "$DATA/out" --quiet --threads 1
    measure ottr-t2 2 "$FILE" "$REPEAT" -- "$OTTR" analyze "$FILE" -o "$DATA/out" --quiet --threads 2
    # Without the SHA-256 of the input (the analysis alone, as tshark's stats pass),
    # alternated run by run with the engine alone (no application dissectors, for
    # what the dissectors cost) and with the industrial dissectors only (for what the
    # IT ones add), so that a change of load hits all alike.
    for ((p = 1; p <= REPEAT; p++)); do
        FIRST_REP=$p measure ottr-nohash "$NPROC" "$FILE" "$p" -- "$OTTR" analyze "$FILE" -o "$DATA/out" --quiet --no-hash
        FIRST_REP=$p measure ottr-engine "$NPROC" "$FILE" "$p" -- "$OTTR" analyze "$FILE" -o "$DATA/out" --quiet --no-hash --no-dissect
        FIRST_REP=$p measure ottr-ot "$NPROC" "$FILE" "$p" -- "$OTTR" analyze "$FILE" -o "$DATA/out" --quiet --no-hash --no-it-dissect
    done
    measure ottr-nohash-t1 1 "$FILE" "$REPEAT" -- "$OTTR" analyze "$FILE" -o "$DATA/out" --quiet --no-hash --threads 1
fi

if [ "$MEMTEST" = 1 ]; then
    if [ "$SKIP_OTTR" = 1 ]; then
        log "MEMTEST needs ottr: skipped"
    else
        for sz in 2GiB 8GiB; do
            f=$(ensure_cap "$sz")
            warm "$f"
            describe "$f"
            measure "memtest-$sz" "$NPROC" "$f" 1 -- "$OTTR" analyze "$f" -o "$DATA/out" --quiet
        done
    fi
fi
rm -rf "$DATA/out"

# ---- report --------------------------------------------------------------------------
cp /proc/loadavg "$RUN/loadavg-end"
cat > "$RUN/meta.json" <<EOF
{"stamp": "$STAMP", "size_arg": "$SIZE", "seed": $SEED, "hosts": $HOSTS, "tshark_size_arg": "$TSHARK_SIZE",
 "repeat": $REPEAT, "tshark_repeat": $TSHARK_REPEAT, "nproc": $NPROC, "memtest": $([ "$MEMTEST" = 1 ] && echo true || echo false),
 "main_file": "$FILE", "tshark_file": "$TFILE", "tshark_bin": "$TSHARK"}
EOF
python3 perf/report.py "$RUN" | tee "$RUN/table.txt"
