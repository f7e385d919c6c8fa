import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/**
 * A folder to put first on PATH with stand-ins for `kind` and `docker`, for tests of the kind
 * runtime's plumbing on machines without kind (no registry here either).
 *
 * `kind` copies the real CLI's observable behaviour: `kind version` prints "kind v0.29.0 go1.24
 * linux/amd64"; `kind create cluster` reads the config on stdin and writes its stage lines to
 * stderr as kind does without a terminal (pkg/internal/cli/status.go: " • <stage>  ..." when a
 * stage starts, " ✓ <stage>" / " ✗ <stage>" when it ends); `kind get kubeconfig` prints a
 * kubeconfig; `kind delete cluster` succeeds whether or not the cluster exists. Every call's argv
 * goes to <log>/argv (one line, arguments joined by " "), create's stdin to <log>/stdin.
 * FAKE_KIND_CREATE=fail fails at "Starting control-plane"; =hang stops after "Preparing nodes" starts.
 *
 * `docker` answers `docker info --format '{{json .}}'` with FAKE_DOCKER_CGROUP as CgroupVersion,
 * `docker image inspect` as present when FAKE_DOCKER_IMAGE=present, `docker manifest inspect` as
 * pullable when FAKE_DOCKER_REGISTRY=up (else the "no such manifest" error Docker Hub gives).
 */
export interface FakeKind {
  bin: string
  log: string
  /** The environment for the runtime: PATH = bin + /usr/bin:/bin (sh, sleep, cat). */
  env(extra?: Record<string, string>): Record<string, string>
  calls(): Promise<string[]>
  stdin(): Promise<string>
  /** A PATH with no docker and no kind at all. */
  emptyBin: string
  /** A PATH with the fake kind and no docker. */
  kindOnlyBin: string
  dispose(): Promise<void>
}

const KIND = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_KIND_LOG/argv"
case "$1" in
version)
  echo "kind \${FAKE_KIND_VERSION:-v0.29.0} go1.24 linux/amd64"
  ;;
create)
  cat > "$FAKE_KIND_LOG/stdin"
  name=""
  while [ $# -gt 0 ]; do [ "$1" = "--name" ] && name="$2"; shift; done
  echo "Creating cluster \\"$name\\" ..." >&2
  echo " • Ensuring node image (kindest/node:v1.34.0) 🖼  ..." >&2
  echo " ✓ Ensuring node image (kindest/node:v1.34.0) 🖼" >&2
  echo " • Preparing nodes 📦   ..." >&2
  [ "$FAKE_KIND_CREATE" = hang ] && exec sleep 30
  echo " ✓ Preparing nodes 📦 " >&2
  echo " • Writing configuration 📜  ..." >&2
  echo " ✓ Writing configuration 📜" >&2
  echo " • Starting control-plane 🕹️  ..." >&2
  if [ "$FAKE_KIND_CREATE" = fail ]; then
    echo " ✗ Starting control-plane 🕹️" >&2
    echo "ERROR: failed to create cluster: failed to init node with kubeadm: command \\"docker exec --privileged $name-control-plane kubeadm init\\" failed with error: exit status 1" >&2
    exit 1
  fi
  echo " ✓ Starting control-plane 🕹️" >&2
  echo "Set kubectl context to \\"kind-$name\\"" >&2
  ;;
get)
  cat "$FAKE_KIND_KUBECONFIG"
  ;;
delete)
  echo "Deleting cluster ..." >&2
  ;;
esac
`

const DOCKER = `#!/bin/sh
case "$1 $2" in
"info --format")
  printf '{"ServerVersion":"20.10.24","CgroupVersion":"%s"}\\n' "\${FAKE_DOCKER_CGROUP:-1}"
  ;;
"image inspect")
  [ "$FAKE_DOCKER_IMAGE" = present ] && { echo sha256:0123; exit 0; }
  echo "Error: No such image: $5" >&2; exit 1
  ;;
"manifest inspect")
  [ "$FAKE_DOCKER_REGISTRY" = up ] && { echo '{"schemaVersion":2}'; exit 0; }
  echo "no such manifest: docker.io/$3" >&2; exit 1
  ;;
*)
  exit 0
  ;;
esac
`

export async function fakeKind(): Promise<FakeKind> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'kubelab-fake-kind-'))
  const bin = path.join(root, 'bin')
  const log = path.join(root, 'log')
  const emptyBin = path.join(root, 'empty')
  const kindOnlyBin = path.join(root, 'kind-only')
  await Promise.all([mkdir(bin), mkdir(log), mkdir(emptyBin), mkdir(kindOnlyBin)])
  for (const [name, body] of [
    ['kind', KIND],
    ['docker', DOCKER],
  ] as const) {
    await writeFile(path.join(bin, name), body)
    await chmod(path.join(bin, name), 0o755)
  }
  await writeFile(path.join(kindOnlyBin, 'kind'), KIND, {mode: 0o755})
  return {
    bin,
    log,
    emptyBin,
    kindOnlyBin,
    env: (extra = {}) => ({PATH: `${bin}:/usr/bin:/bin`, FAKE_KIND_LOG: log, ...extra}),
    calls: async () => (await readFile(path.join(log, 'argv'), 'utf8').catch(() => '')).split('\n').filter((line) => line !== ''),
    stdin: () => readFile(path.join(log, 'stdin'), 'utf8'),
    dispose: () => rm(root, {recursive: true, force: true}),
  }
}
