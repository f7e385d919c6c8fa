#!/usr/bin/env bash
# Installs and starts what kubelab and its tests need on a fresh Debian machine: Debian's etcd
# (real etcd for the sim runtime and the etcd checks), the Docker engine (container tests and the
# kind runtime), with KUBELAB_SETUP_TESTS=1 the test-only tools, then the locked npm dependencies.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
if [ "${KUBELAB_SKIP_DOCKER:-}" != 1 ]; then
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
fi
# Test-only tools: headless Chromium renders the HTML report, ansible-playbook runs the example
# playbook, busybox-static is the shell of the kind-compatible node image built for container tests.
if [ "${KUBELAB_SETUP_TESTS:-}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible-core)
  [ -x /bin/busybox ] || missing+=(busybox-static)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's etcd package starts a system etcd on 2379 where systemd runs; kubelab needs that port free.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
  as_root systemctl disable --now etcd >/dev/null 2>&1 || true
fi

if [ "${KUBELAB_SKIP_DOCKER:-}" != 1 ] && ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd" >&2
  as_root sh -c 'nohup dockerd >/var/log/kubelab-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /var/log/kubelab-dockerd.log" >&2; exit 1; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
