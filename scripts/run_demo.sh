#!/usr/bin/env bash
# What `make run` starts, all on 127.0.0.1 and the default SQLite database:
#   the LTI tool with its built-in demo LMS   DIGIREADY_DEMO_LTI_PORT     (8000)
#   the symposium portal                      DIGIREADY_DEMO_PORTAL_PORT  (8001)
#   DigiReady Studio, the CMS                 DIGIREADY_DEMO_STUDIO_PORT  (8002)
#   a mail catcher: SMTP + a page of emails   DIGIREADY_DEMO_SMTP_PORT    (1025)
#                                             DIGIREADY_DEMO_MAIL_PORT    (8025)
#   the portal's mail worker (queued mail -> the catcher)
# after building the first training videos, then prints every address and demo login.
# Ctrl+C (or SIGTERM) stops everything.
#
# To add an app: a `start NAME PORT COMMAND...` line under "Start" (its output goes to
# $DIGIREADY_VAR_DIR/demo-logs/NAME.log; the summary waits until GET /healthz on PORT
# answers 200) and a `show` line in the summary.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=127.0.0.1
# The defaults are the ones digiready/demo/ports.py declares (a test keeps them equal).
LTI_PORT=${DIGIREADY_DEMO_LTI_PORT:-8000}
PORTAL_PORT=${DIGIREADY_DEMO_PORTAL_PORT:-8001}
STUDIO_PORT=${DIGIREADY_DEMO_STUDIO_PORT:-8002}
SMTP_PORT=${DIGIREADY_DEMO_SMTP_PORT:-1025}
MAIL_PORT=${DIGIREADY_DEMO_MAIL_PORT:-8025}
ORGANISER_EMAIL=organiser@demo.example
ORGANISER_PASSWORD=digiready-demo

export DIGIREADY_VAR_DIR=${DIGIREADY_VAR_DIR:-var}
export DIGIREADY_PORTAL_BASE_URL=${DIGIREADY_PORTAL_BASE_URL:-http://$HOST:$PORTAL_PORT}
export DIGIREADY_STUDIO_BASE_URL=${DIGIREADY_STUDIO_BASE_URL:-http://$HOST:$STUDIO_PORT}
export DIGIREADY_STUDIO_PREVIEW_URL=${DIGIREADY_STUDIO_PREVIEW_URL:-http://$HOST:$LTI_PORT}
# The portal's mail goes to the catcher, never to a real server.
export DIGIREADY_SMTP_HOST=$HOST DIGIREADY_SMTP_PORT=$SMTP_PORT DIGIREADY_SMTP_STARTTLS=0
unset DIGIREADY_SMTP_USER DIGIREADY_SMTP_PASSWORD
LOGS=$DIGIREADY_VAR_DIR/demo-logs
mkdir -p "$LOGS"
SHOWN_LOGS=${LOGS#"$PWD"/}  # var/demo-logs when under the current directory

names=() pids=() ports=() helpers=()
start() {  # start NAME PORT COMMAND...: run in the background, logging to $LOGS/NAME.log
    local name=$1 port=$2
    shift 2
    "$@" >"$LOGS/$name.log" 2>&1 &
    names+=("$name") pids+=($!) ports+=("$port")
}
helper() {  # helper NAME COMMAND...: background work that may finish; in its own process
            # group, so that stopping the demo stops the commands it runs too
    local name=$1
    shift
    setsid nice "$@" >"$LOGS/$name.log" 2>&1 &
    helpers+=($!)
}
answers() {  # answers PORT: GET /healthz gives 200 (a listening socket alone is not enough:
             # gunicorn listens before its workers have loaded the app)
    local status
    { exec 3<>"/dev/tcp/$HOST/$1"; } 2>/dev/null || return 1
    printf 'GET /healthz HTTP/1.0\r\nHost: %s\r\n\r\n' "$HOST:$1" >&3
    read -r -t 10 _ status _ <&3 || true
    exec 3<&-
    [ "$status" = 200 ]
}
wait_until_ready() {  # every started app with a port answers, 120 s at most (a busy laptop)
    local i n
    for n in "${!names[@]}"; do
        [ "${ports[$n]}" = - ] && continue
        for i in $(seq 600); do
            answers "${ports[$n]}" && continue 2
            if ! kill -0 "${pids[$n]}" 2>/dev/null; then
                echo "${names[$n]} did not start; the end of $LOGS/${names[$n]}.log:" >&2
                tail -n 20 "$LOGS/${names[$n]}.log" >&2
                exit 1
            fi
            sleep 0.2
        done
        echo "${names[$n]} does not answer on port ${ports[$n]} (see $LOGS/${names[$n]}.log)" >&2
        exit 1
    done
}
stop() {
    trap - EXIT INT TERM
    local pid
    for pid in "${helpers[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
    [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
    wait || true
}
trap stop EXIT
trap 'echo; echo "Stopping the demo."; exit 0' INT TERM

# Prepare, in one process (each step is idempotent): the tables, the sample programme, the
# demo organiser, Studio's demo account and draft.
DIGIREADY_PORTAL_STAFF_PASSWORD=$ORGANISER_PASSWORD "$BIN/python" -c '
import sys
from digiready.cli.main import main
for argv in (["db", "upgrade"], ["portal", "seed-demo"],
             ["portal", "create-staff", sys.argv[1], "--role", "organiser",
              "--name", "Demo organiser"],
             ["studio", "seed-demo"]):
    if main(argv):
        sys.exit(1)' "$ORGANISER_EMAIL" >"$LOGS/prepare.log" 2>&1 || {
    echo "Preparing the database failed; $LOGS/prepare.log ends with:" >&2
    tail -n 20 "$LOGS/prepare.log" >&2
    exit 1
}
STUDIO_LOGIN=$(sed -n 's/^DigiReady Studio demo account: //p' "$LOGS/prepare.log")

# Training videos (docs/media.md): espeak-ng narrates (fast; `digiready media build` uses the
# Piper voice when installed); built once, cached in var/media. DIGIREADY_MEDIA_DEMO_BUILD:
# first (two modules now, about a minute on 2 cores, the rest in the background), all, none.
export DIGIREADY_MEDIA_NARRATORS=${DIGIREADY_MEDIA_NARRATORS:-recorded,espeak-ng}
case "${DIGIREADY_MEDIA_DEMO_BUILD:-first}" in
  first)
    echo "Building the first training videos (about a minute the first time; then cached)..."
    "$BIN/digiready" media build --language en --module digital_payments \
        --module getting_started_phone >"$LOGS/media.log" 2>&1 \
      || echo "note: videos not built (see $LOGS/media.log); the module pages show their transcripts"
    helper media-background bash -c '"$1/digiready" media build --language en --jobs 1
        for eco in pe ph vn id pg; do "$1/digiready" media build --economy "$eco" --jobs 1; done' \
        _ "$BIN" ;;
  all)
    echo "Building every training video (this takes a while the first time)..."
    "$BIN/digiready" media build --language en 2>&1 | tee "$LOGS/media.log" \
      || echo "note: not every video was built (see $LOGS/media.log)" ;;
esac

# Start.
start mail-catcher "$MAIL_PORT" "$BIN/digiready" mail-catcher --host "$HOST" \
    --smtp-port "$SMTP_PORT" --http-port "$MAIL_PORT"
start lti "$LTI_PORT" "$BIN/digiready" demo --host "$HOST" --port "$LTI_PORT"
start portal "$PORTAL_PORT" "$BIN/digiready" serve portal --bind "$HOST:$PORTAL_PORT" --workers 1
start studio "$STUDIO_PORT" "$BIN/digiready" serve studio --bind "$HOST:$STUDIO_PORT" --workers 1
start mail-worker - "$BIN/digiready" portal send-mail --loop --interval 2
wait_until_ready

show() { printf '  %-30s %s\n' "$1" "$2"; }
echo
echo "DigiReady demo is running. Ctrl+C stops everything."
echo
show "Demo LMS (LTI 1.3 platform)" "http://$HOST:$LTI_PORT/lms/"
show "" "launch as a learner (any economy and language) or as the instructor; no login"
show "Symposium portal" "$DIGIREADY_PORTAL_BASE_URL/"
show "Portal admin" "$DIGIREADY_PORTAL_BASE_URL/admin/"
show "" "organiser: $ORGANISER_EMAIL / $ORGANISER_PASSWORD"
show "DigiReady Studio (CMS)" "$DIGIREADY_STUDIO_BASE_URL/"
show "" "sign in: $STUDIO_LOGIN"
show "Sent emails (mail catcher)" "http://$HOST:$MAIL_PORT/"
show "" "every email the portal sends, e.g. the confirmation link after registering"
echo
echo "Logs: $SHOWN_LOGS/"
[ ${#helpers[@]} -eq 0 ] || echo "The other videos are being built in the background ($SHOWN_LOGS/media-background.log)."
# Until one of them stops (or Ctrl+C): then the EXIT trap stops the others.
status=0
wait -n "${pids[@]}" || status=$?
echo "A part of the demo stopped (exit $status); stopping the rest. Logs: $SHOWN_LOGS/" >&2
exit "$status"
