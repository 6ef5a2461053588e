#!/usr/bin/env bash
# Fetch the real-document benchmark set from Debian (bookworm) packages.
#
#   bash bench/documents/fetch.sh [TARGET_DIR]     (default: bench/documents/files/)
#
# Installs the documentation packages with apt-get (needs root; skipped when all
# files are already present), copies the chosen files under short names into
# TARGET_DIR and checks each file's sha256 against the value below (the same as in
# manifest.json). Exits non-zero if a file is missing or differs (e.g. after a
# Debian security update of python3.11-doc changed a page).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="${1:-$HERE/files/}"

PACKAGES=(
  texlive-latex-base-doc   # ltnews35, tugboat-babelbib, hyperref paper, lppl, modguide (pulls texlive-base)
  r-doc-pdf                # R Data Import/Export
  debian-history           # A Brief History of Debian
  python3.11-doc           # Python socket HOWTO, general FAQ
  developers-reference     # Debian Developer's Reference
  debian-faq               # Debian GNU/Linux FAQ
  debian-reference-en      # Debian Reference
)

# short-name  sha256  path-in-package
FILES=(
  "latex-news-35.pdf 6a55393a07561aa90c547e782eedb65b215bc49f3725baca8cc1e1e746cfe6d1 /usr/share/doc/texlive-doc/latex/base/ltnews35.pdf"
  "tugboat-babelbib.pdf 3b3572cca4912a0a853e9f2f9d2ceef3dff2e7dcfd2d6b4eab8cbd87973dc476 /usr/share/doc/texlive-doc/bibtex/babelbib/tugboat-babelbib.pdf"
  "hyperref-paper.pdf 31629237d207b5b4c511e52991f9804de5bb6cbe39cec8a8a2d4adb67c62bf0e /usr/share/doc/texlive-doc/latex/hyperref/paper.pdf"
  "debian-history.pdf d3d263affc69ec9c994fe1d06b3cf7dddb78f84e24849d87a4aefe3a4ed15e77 /usr/share/doc/debian-history/docs/project-history.en.pdf"
  "r-data-import-export.pdf 9381a39ffeb8545a745c2618ba955b4ae4e10b9c8373cd5bc1984fff8318f8ca /usr/share/R/doc/manual/R-data.pdf"
  "lppl.pdf 5836a11253ba59b79c0b52cf010c0d280eaa6bda709f8d6824f2a3924207fef6 /usr/share/doc/texlive-doc/latex/base/lppl.pdf"
  "modifying-latex.pdf e2af130f64ce84b21a6055e8e4213d5040ce12038effe178347165c15aed8a66 /usr/share/doc/texlive-doc/latex/base/modguide.pdf"
  "python-socket-howto.html 8cb419f59842bbfc9240bd3f1c3c20bf9d1f89837db31eb92892876a9514f335 /usr/share/doc/python3.11/html/howto/sockets.html"
  "python-general-faq.html cd614038685edf4c8b5530ccd1127c4f697470726e4aa835f93ee1198b50e182 /usr/share/doc/python3.11/html/faq/general.html"
  "devref-developer-duties.html 034baef37e43cb5f75f8c0fa01af154acdd413155e58db7b670589ce19e0cb1b /usr/share/developers-reference/developer-duties.html"
  "debian-faq-basic-defs.html 2eddec6dfc904c2274e587a48b1dbf888ee09c668f9d7bf5d70ae3c406b2c822 /usr/share/doc/debian/FAQ/basic-defs.en.html"
  "debian-reference-preface.html 1f79b1087d60dec1ecaa2923789559f64f3ee9bd7a5e682c16f7cb5fc28156d0 /usr/share/debian-reference/pr01.en.html"
)

need_install=0
for entry in "${FILES[@]}"; do
  read -r _name _sum src <<<"$entry"
  [ -e "$src" ] || need_install=1
done

if [ "$need_install" = 1 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  # apt may be locked by another process, or its lists may be missing/stale:
  # retry a few times, running 'apt-get update' before the second attempt.
  for attempt in 1 2 3 4 5 6; do
    if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}"; then
      break
    fi
    if [ "$attempt" = 6 ]; then
      echo "fetch.sh: apt-get install failed" >&2
      exit 1
    fi
    if [ "$attempt" = 1 ]; then
      $SUDO apt-get update || true
    else
      echo "fetch.sh: apt-get failed (lock?), retrying in 20 s" >&2
      sleep 20
    fi
  done
fi

mkdir -p "$TARGET"
status=0
for entry in "${FILES[@]}"; do
  read -r name sum src <<<"$entry"
  if [ ! -e "$src" ]; then
    echo "MISSING  $src" >&2
    status=1
    continue
  fi
  cp -L "$src" "$TARGET/$name"
  got=$(sha256sum "$TARGET/$name" | cut -d' ' -f1)
  if [ "$got" = "$sum" ]; then
    echo "ok       $name"
  else
    echo "SHA256 MISMATCH  $name  (expected $sum, got $got)" >&2
    status=1
  fi
done
exit $status
