import {simNodeLayout, type SimNodeLayout} from '../../../../src/runtimes/sim/node/layout.js'

/** Where things live inside the fixture image (see ../image.ts). */
export const FIXTURE_PATHS = {
  /** kubelab as installed: dist/, node_modules/, package.json, scenarios/ (and src → dist, for this folder's imports). */
  root: '/kubelab',
  simDir: '/kubelab/dist/runtimes/sim',
  scenarios: '/kubelab/scenarios',
  /** kindest/node images name their Kubernetes version here. */
  kindVersion: '/kind/version',
  /** The sim kubelet's logs/ and run/ (its pid file, status.json); the node's files are at their real paths under "/". */
  labDir: '/kind/kubelab',
} as const

/** Printed by the entrypoint once etcd and the API server answer: what the tests wait for. */
export const FIXTURE_READY = 'kubelab-fixture: control plane ready'

export function fixtureLayout(): SimNodeLayout {
  return simNodeLayout(FIXTURE_PATHS.labDir, '/')
}
