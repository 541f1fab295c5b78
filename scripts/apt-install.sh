#!/usr/bin/env bash
# apt-install.sh "WHAT NEEDS THEM" PACKAGE...: installs Debian packages as root,
# or says which command to run and fails when not root.
set -u
what=$1; shift
[ $# -gt 0 ] || exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Installing Debian packages for $what: $*"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
    || { echo "apt-get install $* failed"; exit 1; }
else
  echo "$what need Debian packages. Run as root:"
  echo "  apt-get update && apt-get install -y $*"
  echo "then run make again."
  exit 1
fi
