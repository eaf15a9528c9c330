#!/usr/bin/env bash
# A local S3-compatible server (s3rver, from npm) for the tests and benchmarks of the S3 document store.
#   scripts/s3.sh install    install node (as root, when missing) and s3rver into ~/.cache/sivtracker; print its script's path
#   scripts/s3.sh start DIR PORT BUCKET    start it on 127.0.0.1:PORT keeping objects in DIR, with BUCKET made; print its pid
# Its access key and secret are both S3RVER.
set -euo pipefail

version=3.7.1
tools="${SIVTRACKER_TOOLS:-${HOME:-/root}/.cache/sivtracker}"
script="$tools/node_modules/s3rver/bin/s3rver.js"

install_server() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "$(id -u)" != 0 ]; then
      echo "node and npm are needed for the S3 test server. Install them with: sudo apt-get install nodejs npm" >&2
      exit 1
    fi
    echo "Installing node and npm for the S3 test server..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  if [ ! -f "$script" ] || ! grep -qs "\"version\": \"$version\"" "$tools/node_modules/s3rver/package.json"; then
    echo "Installing s3rver $version into $tools..." >&2
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "s3rver@$version" >&2
  fi
  echo "$script"
}

case "${1:-}" in
  install) install_server ;;
  start)
    dir=$2 port=$3 bucket=$4
    install_server >/dev/null
    mkdir -p "$dir"
    nohup node "$script" --directory "$dir" --address 127.0.0.1 --port "$port" --silent --configure-bucket "$bucket" >"$dir.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$pid"; exit 0; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    echo "s3rver did not start on port $port: $(cat "$dir.log")" >&2
    exit 1
    ;;
  *) sed -n 2,5p "$0" >&2; exit 2 ;;
esac
