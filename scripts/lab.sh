#!/usr/bin/env bash
# The README's first command: set the machine up, then in a terminal walk through the scenario's lesson
# (`kubelab learn`: it creates the lab, resumes where you left off). Without a terminal (CI, a pipe) it starts a
# fresh lab (default: all-open) — on kind where Docker and kind work, else on the embedded sim runtime — and
# audits it, so you see every open door.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:-all-open}"
KUBELAB_SKIP_DOCKER="${KUBELAB_SKIP_DOCKER:-1}" ./scripts/setup-machine.sh
kubelab() { node ./bin/run.js "$@"; }

if [ -t 0 ] && [ -t 1 ] && [ "${KUBELAB_NO_LEARN:-}" != 1 ]; then
  exec node ./bin/run.js learn "$scenario"
fi

# A fresh start: a lab of the same name from an earlier run is stopped and removed first.
if kubelab status "$scenario" >/dev/null 2>&1; then kubelab down "$scenario"; fi
kubelab up "$scenario" --runtime auto
echo
# A misconfigured lab fails its audit (exit 1): that is the point of the lab, not an error of this script.
kubelab audit --lab "$scenario" || [ $? -eq 1 ]
cat <<NEXT

The lab runs on in the background. Next:
  node ./bin/run.js learn $scenario               # the guided walkthrough: attack, harden, verify, step by step
  node ./bin/run.js lesson                        # or read the lessons on their own
  eval "\$(node ./bin/run.js env $scenario)"     # KUBECONFIG, etcdctl and endpoint variables
  node ./bin/run.js edit kube-apiserver --lab $scenario   # harden a component; it restarts on save
  node ./bin/run.js audit --lab $scenario         # see which doors are shut now
  node ./bin/run.js down $scenario                # stop it and free its ports
NEXT
