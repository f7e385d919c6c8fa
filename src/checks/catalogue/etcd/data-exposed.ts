import path from 'node:path'
import type {EtcdRangeResult} from '../../../probes/etcd.js'
import type {NodeAccess} from '../../../target/types.js'
import {etcdSetting} from '../../config/component.js'
import type {StaticPodConfig} from '../../../node-config/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {isClosed, wireEvidence} from '../../wire.js'
import {clientAuthConfig} from './listener-client-auth.js'
import {unobservableEvidence} from './listener-wire.js'
import {probeEtcdPort, REGISTRY_PREFIX, registryRange, schemeOf} from './port-probes.js'
import {etcdConfigEvidence, keyCount, located, settingLabel, transportSettings} from './settings.js'
import {CLIENT_SIDE} from './sides.js'

/** kubeadm's data directory, which kube-bench also falls back to ($etcddatadir) when --data-dir is absent. */
const KUBEADM_DATA_DIR = '/var/lib/etcd'
const KEYS_SHOWN = 5

export const etcdDataExposed: CheckDefinition = {
  id: 'etcd-data-exposed',
  title: "etcd's data cannot be read without credentials",
  component: 'etcd',
  severity: 'critical',
  cis: [{benchmark: 'cis-1.12', id: '1.1.11', title: 'Ensure that the etcd data directory permissions are set to 700 or more restrictive'}],
  kubeHunter: ['KHV032', 'KHV031'],
  kubescape: ['C-0102'],
  remediation:
    "Close both ways in. Over the network: serve only https:// client URLs and demand client certificates from etcd's own CA (--client-cert-auth=true, --trusted-ca-file; see etcd-client-tls and etcd-client-cert-auth), so a range read without one is refused at the TLS handshake. On the node: chmod 700 the data directory (--data-dir, /var/lib/etcd on kubeadm), because its files hold every object, Secrets included, and only etcd needs to open them.",
  evaluate: evaluateDataExposed,
}

async function evaluateDataExposed(ctx: CheckContext): Promise<CheckOutcome> {
  let dataDir: {path: string; evidence: ConfigEvidence} | undefined
  const [config, exposure] = await Promise.all([
    etcdConfigEvidence(ctx, '--client-cert-auth', async (etcd) => {
      const node = ctx.target.node
      if (node) dataDir = await dataDirEvidence(node, etcd)
      return [...clientAuthConfig(transportSettings(etcd, CLIENT_SIDE)), ...(dataDir ? [dataDir.evidence] : [])]
    }),
    exposureWire(ctx),
  ])
  const outcome: CheckOutcome = {config, wire: exposure.evidence}
  if (exposure.readable) {
    const {count, names} = exposure.readable
    const example = names.length > 0 ? `, such as ${names[0]}` : ''
    outcome.summary = `Anyone who reaches etcd's client port ${ctx.target.endpoints.ports.etcdClient} reads the cluster's data without credentials: ${keyCount(count)} under ${REGISTRY_PREFIX}${example}, Secrets included, and can write them as well.`
  } else if (dataDir?.evidence.verdict === 'fail') {
    outcome.summary = `${dataDir.path} is ${dataDir.evidence.value ?? ''}: other users on the node can copy etcd's database files, Secrets included, whatever the network side does.`
    outcome.disagreement = `Closed on the wire, open on disk: etcd refuses unauthenticated clients, but its data folder ${dataDir.path} is readable by other users of the node.`
  }
  return outcome
}

interface Exposure {
  evidence: WireEvidence[]
  /** Set when a read without credentials was answered. */
  readable?: {count: number; names: string[]}
}

/**
 * What an attacker reads: first how many keys lie under /registry/ (count only), then the names of
 * the first few (keys only). Values are never asked for, so none can end up in a report.
 */
async function exposureWire(ctx: CheckContext): Promise<Exposure> {
  const probes = await probeEtcdPort(ctx, CLIENT_SIDE)
  const scheme = schemeOf(probes.mode)
  if (!scheme) return {evidence: unobservableEvidence(CLIENT_SIDE, probes)}

  const count = await registryRange(ctx, scheme, {countOnly: true})
  if (!count.range) return {evidence: [refusedReadEvidence(count)]}
  const total = count.range.count
  if (total === 0) {
    const note = `read answered with no credentials; nothing is stored under ${REGISTRY_PREFIX} yet, but whatever kube-apiserver writes there will be as readable`
    return {evidence: [wireEvidence(count.probe, 'fail', note)], readable: {count: 0, names: []}}
  }
  const counted = wireEvidence(count.probe, 'fail', `${keyCount(total)} under ${REGISTRY_PREFIX} readable with no credentials (count only)`)
  const keys = await registryRange(ctx, scheme, {keysOnly: true, limit: KEYS_SHOWN})
  if (!keys.range) return {evidence: [counted, wireEvidence(keys.probe, 'error', 'the keys-only read got no range back')], readable: {count: total, names: []}}
  const names = keys.range.kvs.map((kv) => kv.key)
  return {
    evidence: [counted, wireEvidence(keys.probe, 'fail', `the first ${names.length} key names: ${names.join(', ')} (names only, values not read)`)],
    readable: {count: total, names},
  }
}

function refusedReadEvidence({probe}: EtcdRangeResult): WireEvidence {
  if (probe.ok) {
    return probe.status === 200
      ? wireEvidence(probe, 'error', 'HTTP 200, but not a range answer')
      : wireEvidence(probe, 'unknown', `HTTP ${probe.status} instead of a range: the JSON gateway may be off, and gRPC clients such as etcdctl are not tried`)
  }
  if (probe.failure === 'tls-rejected') return wireEvidence(probe, 'pass', `the read was refused at the TLS handshake (${probe.message}): no data without a client certificate`)
  if (isClosed(probe)) return wireEvidence(probe, 'unknown', 'the client port stopped listening between two requests')
  return wireEvidence(probe, 'error')
}

/** CIS 1.1.11: the data directory holds the database files, so only etcd's own user may open it (700 or stricter). */
async function dataDirEvidence(node: NodeAccess, etcd: StaticPodConfig): Promise<{path: string; evidence: ConfigEvidence}> {
  const setting = etcdSetting(etcd, 'data-dir')
  const dataDir = setting?.value ?? KUBEADM_DATA_DIR
  const origin = setting
    ? `${settingLabel('data-dir', setting)} names ${dataDir}`
    : `--data-dir is not set; kubeadm's ${KUBEADM_DATA_DIR} is assumed, as kube-bench does (etcd's own default is <name>.etcd in its working folder)`
  const judged = (value: string | undefined, verdict: ConfigEvidence['verdict'], note: string) => ({
    path: dataDir,
    evidence: located(
      {
        setting: `permissions of ${dataDir}`,
        value,
        source: setting ? (setting.source === 'environment' ? 'environment' : 'flag') : 'default',
        verdict,
        note: `${origin}; ${note}`,
      },
      setting,
    ),
  })

  if (!path.posix.isAbsolute(dataDir)) return judged(undefined, 'unknown', 'a relative path depends on the folder etcd starts in')
  const info = await node.stat(dataDir)
  if (!info) return judged(undefined, 'unknown', 'the folder is not on this node')
  if (!info.isDirectory) return judged(undefined, 'unknown', 'not a folder')
  const mode = (info.mode & 0o777).toString(8).padStart(3, '0')
  return info.mode & 0o077
    ? judged(mode, 'fail', "group or other users can open the folder that holds etcd's database files (CIS wants 700 or stricter)")
    : judged(mode, 'pass', 'only its owner can open it')
}
