// The kind-compatible node fixture's main process (under tini, PID 1): lays a scenario's kubeadm node out at
// kind's real paths with "/" as the node root, starts the sim kubelet on it and prints FIXTURE_READY once the
// API server answers. Runs inside the image test/support/kind-node/image.ts builds; see there for what it
// reproduces of a kind node. Environment:
//   KUBELAB_FIXTURE_SCENARIO  scenario id (required)
//   KUBELAB_FIXTURE_PORTS     JSON of in-node ports (NodePorts keys) replacing kubeadm's defaults
// The node name is the container's hostname (kind: `<cluster>-control-plane`); the cluster name is that minus
// "-control-plane".
import {writeFile} from 'node:fs/promises'
import os from 'node:os'
import {findScenario} from '../../../../src/scenario/load.js'
import type {Scenario} from '../../../../src/scenario/schema.js'
import {createKubeadmPki} from '../../../../src/pki/kubeadm-pki.js'
import {createKubeadmKubeconfigs} from '../../../../src/pki/kubeconfig.js'
import {findInstalledEtcd} from '../../../../src/runtimes/sim/etcd-install.js'
import {LAB_ENCRYPTION_ALGORITHM, writeSimManifests, writeSimNodeFiles} from '../../../../src/runtimes/sim/lab-files.js'
import {startSimKubelet} from '../../../../src/runtimes/sim/lab-kubelet.js'
import {ETCD_CLIENT_FILES, readSimEndpoints} from '../../../../src/runtimes/sim/lab-endpoints.js'
import {waitForControlPlane} from '../../../../src/runtimes/sim/lab-ready.js'
import {stopLab} from '../../../../src/runtimes/sim/kubelet/stop.js'
import {renderNodeFiles, withModes} from '../../../../src/runtimes/sim/node-files/render.js'
import {NODE_FILE_PATHS, type NodePorts} from '../../../../src/runtimes/sim/node-files/types.js'
import {DEFAULT_LAB_PORTS} from '../../../../src/runtimes/types.js'
import type {NodeFiles} from '../../../../src/pki/node-files.js'
import {FIXTURE_PATHS, FIXTURE_READY, fixtureLayout} from './paths.js'

/**
 * What the kind runtime's config generation does to a scenario (src/runtimes/kind/config/generate.ts):
 * Docker forwards a published port to the container's interface, never to its loopback, so a listener the
 * scenario puts on 127.0.0.1 listens on every interface of the node container instead.
 */
function forNodeContainer(scenario: Scenario): Scenario {
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost)$/
  const bindFlags = new Set(['insecure-bind-address', 'bind-address'])
  const urlFlags = new Set(['listen-client-urls', 'listen-peer-urls'])
  const rewrite = (flags: Readonly<Record<string, string>>): Record<string, string> =>
    Object.fromEntries(
      Object.entries(flags).map(([name, value]) => {
        if (bindFlags.has(name) && loopback.test(value)) return [name, '0.0.0.0']
        if (urlFlags.has(name)) return [name, value.replace(/(\w+:\/\/)(127\.\d+\.\d+\.\d+|localhost)(?=:)/g, '$10.0.0.0')]
        return [name, value]
      }),
    )
  const {apiserver, etcd} = scenario.misconfigurations
  return {
    ...scenario,
    misconfigurations: {
      ...scenario.misconfigurations,
      apiserver: {...apiserver, setFlags: rewrite(apiserver.setFlags)},
      etcd: {...etcd, setFlags: rewrite(etcd.setFlags)},
    },
  }
}

/** The container's own IPv4 address on Docker's network (what kind uses as advertise address and node IP). */
function containerAddress(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal)
    if (found) return found.address
  }
  throw new Error('the node container has no IPv4 address besides loopback')
}

function inNodePorts(): NodePorts {
  const given = process.env['KUBELAB_FIXTURE_PORTS']
  const overrides = given ? (JSON.parse(given) as Partial<NodePorts>) : {}
  return {...DEFAULT_LAB_PORTS, ...overrides}
}

function contents(files: NodeFiles, nodePath: string): string {
  const file = files.get(nodePath)
  if (!file) throw new Error(`the fixture did not make ${nodePath}`)
  return file.contents
}

async function main(): Promise<void> {
  const started = Date.now()
  const scenarioId = process.env['KUBELAB_FIXTURE_SCENARIO']
  if (!scenarioId) throw new Error('KUBELAB_FIXTURE_SCENARIO is not set')
  const nodeName = os.hostname()
  const clusterName = nodeName.replace(/-control-plane$/, '')
  const address = containerAddress()
  const ports = inNodePorts()
  const scenario = forNodeContainer(await findScenario(FIXTURE_PATHS.scenarios, scenarioId))
  const layout = fixtureLayout()
  const etcd = await findInstalledEtcd(undefined, process.env['PATH'])

  const rendered = withModes(renderNodeFiles(scenario, {nodeName, clusterName, bindAddress: address, containerNetwork: true, ports, etcdVersion: etcd.version}))
  const manifests: NodeFiles = new Map([...rendered].filter(([nodePath]) => nodePath.startsWith('/etc/kubernetes/manifests/')))
  const kubeletFiles: NodeFiles = new Map([...rendered].filter(([nodePath]) => !manifests.has(nodePath)))
  await writeSimNodeFiles(layout, kubeletFiles)
  // kindest/node images carry their Kubernetes version here.
  await writeFile(FIXTURE_PATHS.kindVersion, `v${scenario.kubernetesVersion}\n`)

  // kind's kubeadm config adds localhost and 127.0.0.1 to the API server certificate (apiServer.certSANs),
  // so that `kind get kubeconfig` can point at the host's loopback mapping.
  const pki = await createKubeadmPki({
    nodeName,
    kubernetesVersion: scenario.kubernetesVersion,
    advertiseAddress: address,
    extraSans: ['localhost', '127.0.0.1'],
    encryptionAlgorithm: LAB_ENCRYPTION_ALGORITHM,
  })
  const kubeconfigs = await createKubeadmKubeconfigs({
    ca: pki.authorities.kubernetes,
    nodeName,
    kubernetesVersion: scenario.kubernetesVersion,
    server: `https://${address}:${ports.apiserverSecure}`,
    encryptionAlgorithm: LAB_ENCRYPTION_ALGORITHM,
    clusterName,
  })
  await writeSimNodeFiles(layout, new Map([...pki.files, ...kubeconfigs]))

  const kubelet = startSimKubelet(layout, {simDir: FIXTURE_PATHS.simDir})
  await writeSimManifests(layout, manifests)

  const endpoints = await readSimEndpoints(layout, ports)
  const etcdTls = endpoints.etcd.startsWith('https:')
  await waitForControlPlane({
    layout,
    kubelet,
    etcd: {
      url: endpoints.etcd.replace('//0.0.0.0:', '//127.0.0.1:'),
      ...(etcdTls
        ? {tls: {ca: contents(pki.files, ETCD_CLIENT_FILES.ca), cert: contents(pki.files, ETCD_CLIENT_FILES.cert), key: contents(pki.files, ETCD_CLIENT_FILES.key), verify: false}}
        : {}),
    },
    apiserver: {
      url: `https://${address}:${ports.apiserverSecure}`,
      tls: {
        ca: contents(pki.files, '/etc/kubernetes/pki/ca.crt'),
        cert: contents(pki.files, '/etc/kubernetes/pki/apiserver-kubelet-client.crt'),
        key: contents(pki.files, '/etc/kubernetes/pki/apiserver-kubelet-client.key'),
        verify: false,
      },
    },
    timeoutMs: 60_000,
  })
  process.stdout.write(`${FIXTURE_READY} scenario=${scenario.id} address=${address} ms=${Date.now() - started} manifest=${NODE_FILE_PATHS.apiserverManifest}\n`)
}

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  await stopLab(fixtureLayout(), {graceMs: 2000}).catch((error: unknown) => process.stderr.write(`fixture: ${String(error)}\n`))
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())

main().then(
  // The node lives until the container is stopped, as systemd keeps a kind node up.
  () => setInterval(() => undefined, 1 << 30),
  (error: unknown) => {
    process.stderr.write(`fixture: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  },
)
