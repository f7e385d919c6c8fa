#!/usr/bin/env bash
# The README's test command: set the machine up, then run every test (real etcd, real Docker where a test needs it).
set -euo pipefail
cd "$(dirname "$0")/.."
KUBELAB_SETUP_TESTS=1 ./scripts/setup-machine.sh
npm test
