import path from 'node:path'
import type {NodeAccess} from '../target/types.js'
import type {ArgumentItem} from './flags.js'
import {applyUnitFile, emptyServiceSettings, expandExecStart, parseEnvironmentFile, type Located} from './systemd.js'

/** Where the kubelet's command line was found, item by item. */
export interface KubeletCommandLine {
  items: ArgumentItem[]
  /** "process 1234", the files that gave flags (comma-separated), or "none". */
  flagsSource: string
  /** True when nothing on the node said how the kubelet runs and kubeadm's packaged drop-in was assumed. */
  assumed: boolean
}

/** Unit directories in systemd's order of precedence: a drop-in in /etc masks one of the same name in /usr/lib. */
const UNIT_DIRECTORIES = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system']
const UNIT_NAME = 'kubelet.service'

export const KUBEADM_DROP_IN_LABEL = "kubeadm's packaged drop-in (assumed)"

/**
 * The drop-in that kubeadm's deb and rpm packages install as kubelet.service.d/10-kubeadm.conf
 * (kubernetes/release packaging; the same text since v1.11). Used only when the node shows no
 * kubelet unit at all, so that a node root holding just kubeadm's files is read the kubeadm way.
 */
export const KUBEADM_DROP_IN = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`

/**
 * The kubelet's command line: a running kubelet's argv when the node shows one (argv[0] named
 * "kubelet"), else the command line systemd would build from kubelet.service and its drop-ins
 * (Environment=, EnvironmentFile= such as kubeadm-flags.env and /etc/default/kubelet, ExecStart=).
 */
export async function kubeletCommandLine(node: NodeAccess): Promise<KubeletCommandLine> {
  const processes = await node.processes()
  const running = processes.find((process) => process.argv[0] !== undefined && path.posix.basename(process.argv[0]) === 'kubelet')
  if (running) {
    const file = `process ${running.pid}`
    return {items: running.argv.map((value) => ({value, file})), flagsSource: file, assumed: false}
  }
  return systemdCommandLine(node)
}

async function systemdCommandLine(node: NodeAccess): Promise<KubeletCommandLine> {
  const unitFiles = await findUnitFiles(node)
  const assumed = unitFiles.length === 0
  const settings = emptyServiceSettings()
  if (assumed) applyUnitFile(settings, KUBEADM_DROP_IN, KUBEADM_DROP_IN_LABEL)
  for (const unit of unitFiles) applyUnitFile(settings, unit.text, unit.path)

  // Values from EnvironmentFile= override Environment=, whatever their order in the unit (systemd.exec(5)).
  const environment = new Map<string, Located>(settings.environment)
  const environmentFilesRead: string[] = []
  for (const reference of settings.environmentFiles) {
    const text = await node.readFile(reference.path)
    if (text === undefined) continue
    environmentFilesRead.push(reference.path)
    for (const [key, value] of parseEnvironmentFile(text, reference.path)) environment.set(key, value)
  }

  const items = settings.execStart ? expandExecStart(settings.execStart, environment) : []
  const sources = new Set(items.map((item) => item.file))
  const found = [...unitFiles.map((unit) => unit.path), ...environmentFilesRead].filter((file) => sources.has(file))
  let flagsSource = found.length > 0 ? found.join(', ') : 'none'
  if (assumed && found.length > 0) flagsSource += " (kubeadm's packaged drop-in assumed: no kubelet unit on the node)"
  return {items, flagsSource, assumed}
}

interface UnitFile {
  path: string
  text: string
}

/** kubelet.service (first found) then its *.conf drop-ins, sorted by file name as systemd applies them. */
async function findUnitFiles(node: NodeAccess): Promise<UnitFile[]> {
  const files: UnitFile[] = []
  for (const directory of UNIT_DIRECTORIES) {
    const unitPath = `${directory}/${UNIT_NAME}`
    const text = await node.readFile(unitPath)
    if (text !== undefined) {
      files.push({path: unitPath, text})
      break
    }
  }

  const dropIns = new Map<string, string>()
  for (const directory of UNIT_DIRECTORIES) {
    const folder = `${directory}/${UNIT_NAME}.d`
    for (const name of (await node.listDir(folder)) ?? []) {
      if (name.endsWith('.conf') && !dropIns.has(name)) dropIns.set(name, `${folder}/${name}`)
    }
  }
  for (const name of [...dropIns.keys()].sort()) {
    const dropInPath = dropIns.get(name) as string
    const text = await node.readFile(dropInPath)
    if (text !== undefined) files.push({path: dropInPath, text})
  }
  return files
}
