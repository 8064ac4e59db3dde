#!/usr/bin/env sh
# Debian packages the test suite and the report builder need: Chromium for browser tests
# (Playwright drives it by executable path; no browser is ever downloaded), nginx and its
# brotli filter module for the deployment tests (deployment/nginx/digiready.conf enables
# brotli), postgresql-client (pg_dump/pg_restore for `digiready backup`/`restore`),
# poppler-utils for pdftotext, the Pango/fonts WeasyPrint renders with, Cairo for the DOCX
# charts (CairoSVG), and ffmpeg and espeak-ng for the training videos (`digiready media
# build`: encoding and the narrator of last resort; the slides use the DejaVu fonts).
# Installs only what is missing; does nothing (with a note) when it cannot use apt-get.
set -e
PKGS="chromium nginx libnginx-mod-http-brotli-filter postgresql-client poppler-utils fonts-dejavu-core fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 libcairo2 ffmpeg espeak-ng"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: missing Debian packages:$missing (install them as root; browser/report tests need them)" >&2
  exit 0
fi
echo "installing Debian packages:$missing"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
