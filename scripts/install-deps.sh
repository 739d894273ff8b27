#!/usr/bin/env bash
# Installs the Debian packages SupportKit builds and tests against, when missing.
# Swift itself and the Swift packages come with the machine (see README).
set -euo pipefail
packages=(
  libsqlite3-dev     # SQLite with FTS5, for SQLiteStorage (GRDB links the system library)
  libxml2-dev        # HTML e-mail bodies and XLIFF (libxml2)
  libstemmer-dev     # the Snowball reference stemmers (Localization binds libstemmer)
  unicode-cldr-core  # CLDR plural data: the plural-rule tests check every sample number
  snowball-data      # Snowball vocabularies: the stemmer tests check every word
  pkg-config         # SwiftPM finds libxml2 through it
  postgresql-15      # initdb and pg_ctl: the example CLIs' tests run them on throwaway PostgreSQL clusters
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
