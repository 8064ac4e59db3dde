#!/usr/bin/env bash
# What `make run` starts: the symposium portal (http://127.0.0.1:8001/) beside the LTI demo
# with its built-in LMS (http://127.0.0.1:8000/lms/) and DigiReady Studio, the CMS
# (http://127.0.0.1:8002/), all on the default SQLite database. Ctrl+C stops them all.
set -euo pipefail
BIN=${BIN:-.venv/bin}
mkdir -p var
"$BIN/digiready" db upgrade
"$BIN/digiready" portal seed-demo
"$BIN/digiready" studio seed-demo
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT INT TERM
# Training videos (docs/media.md): espeak-ng narrates (fast; `digiready media build` uses the
# Piper voice when installed); built once, cached in var/media. DIGIREADY_MEDIA_DEMO_BUILD:
# first (two modules now, about a minute on 2 cores, the rest in the background), all, none.
export DIGIREADY_MEDIA_NARRATORS=${DIGIREADY_MEDIA_NARRATORS:-recorded,espeak-ng}
case "${DIGIREADY_MEDIA_DEMO_BUILD:-first}" in
  first)
    "$BIN/digiready" media build --language en --module digital_payments --module getting_started_phone \
      || echo "note: videos not built (see the line above); the module pages show their transcripts"
    (nice "$BIN/digiready" media build --language en --jobs 1 >var/media-build.log 2>&1
     for eco in pe ph vn id pg; do nice "$BIN/digiready" media build --economy "$eco" --jobs 1 >>var/media-build.log 2>&1; done) &
    echo "Building the other videos in the background (var/media-build.log)" ;;
  all) "$BIN/digiready" media build --language en ;;
esac
"$BIN/digiready" serve portal --bind 127.0.0.1:8001 --workers 2 &
echo "Symposium portal: http://127.0.0.1:8001/"
"$BIN/digiready" serve studio --bind 127.0.0.1:8002 --workers 2 &
echo "DigiReady Studio (CMS): http://127.0.0.1:8002/  sign in as studio@demo.example / digiready-demo"
"$BIN/digiready" demo
