#!/usr/bin/env bash
# What `make run` starts: the symposium portal (http://127.0.0.1:8001/) beside the LTI demo
# with its built-in LMS (http://127.0.0.1:8000/lms/), both on the default SQLite database.
# Ctrl+C stops both.
set -euo pipefail
BIN=${BIN:-.venv/bin}
mkdir -p var
"$BIN/digiready" db upgrade
"$BIN/digiready" portal seed-demo
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT INT TERM
"$BIN/digiready" serve portal --bind 127.0.0.1:8001 --workers 2 &
echo "Symposium portal: http://127.0.0.1:8001/"
"$BIN/digiready" demo
