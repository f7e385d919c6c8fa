import path from 'node:path'
import type {NodeAccess} from '../../../target/types.js'
import {apiserverConfig, apiserverSetting, etcdSetting} from '../../config/component.js'
import {notFoundEvidence, unreadableEvidence} from '../../config/evidence.js'
import {ConfigParseError, type FlagSetting, type StaticPodConfig} from '../../../node-config/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence} from '../../model.js'
import {CaBundleError, describeCa, readCaBundle, type CaCertificate} from './ca-bundle.js'
import {etcdConfigEvidence, etcdEvidence, located} from './settings.js'

const APISERVER_CLIENT_CA = 'kube-apiserver --client-ca-file'

export const etcdUniqueCa: CheckDefinition = {
  id: 'etcd-unique-ca',
  title: 'etcd trusts its own CA, not the cluster CA',
  component: 'etcd',
  severity: 'medium',
  cis: [{benchmark: 'cis-1.12', id: '2.7', title: 'Ensure that a unique Certificate Authority is used for etcd', manual: true}],
  kubeHunter: [],
  kubescape: ['C-0159'],
  remediation:
    "Give etcd a CA of its own (kubeadm's /etc/kubernetes/pki/etcd/ca.crt) and point etcd --trusted-ca-file at it, not at the cluster CA that kube-apiserver --client-ca-file names. The cluster CA signs every kubelet's and user's client certificate; if etcd trusts it, each of those certificates is also a full read-write etcd credential. Only kube-apiserver's etcd client certificate (--etcd-certfile) should come from the etcd CA.",
  evaluate: evaluateUniqueCa,
}

/** How etcd's trusted CA relates to the API server's client CA, when that could be told. */
type Sharing = 'unset' | 'same-file' | 'same-certificate' | 'unique'

interface Comparison {
  evidence: ConfigEvidence[]
  sharing?: Sharing
}

async function evaluateUniqueCa(ctx: CheckContext): Promise<CheckOutcome> {
  let sharing: Sharing | undefined
  const config = await etcdConfigEvidence(ctx, '--trusted-ca-file', async (etcd) => {
    const comparison = await compareCas(ctx, etcd)
    sharing = comparison.sharing
    return comparison.evidence
  })
  // kube-bench marks CIS 2.7 Manual: a shared CA is reported as a warning, not a failure.
  const outcome: CheckOutcome = {config, wire: [], failIsWarn: true}
  const summary = sharing && SUMMARIES[sharing]
  if (summary) outcome.summary = summary
  return outcome
}

const SUMMARIES: Record<Sharing, string | undefined> = {
  unset: 'etcd has no CA of its own for client certificates: --trusted-ca-file is not set.',
  'same-file':
    "etcd trusts the cluster CA file that signs every kubelet's and user's client certificate: each of those certificates is also a full read-write etcd credential.",
  'same-certificate':
    "etcd trusts a copy of the cluster CA that signs every kubelet's and user's client certificate: another path, the same CA, so each of those certificates is also a full read-write etcd credential.",
  unique: undefined,
}

async function compareCas(ctx: CheckContext, etcd: StaticPodConfig): Promise<Comparison> {
  const etcdCa = etcdSetting(etcd, 'trusted-ca-file')
  if (!etcdCa?.value) {
    return {evidence: [etcdEvidence('trusted-ca-file', etcdCa, {verdict: 'fail', note: 'not set: etcd has no CA of its own to check client certificates against'})], sharing: 'unset'}
  }
  const node = ctx.target.node
  if (!node) return {evidence: []}
  const etcdCerts = await loadBundle(node, etcdCa.value)
  const etcdItem = etcdEvidence('trusted-ca-file', etcdCa, {
    verdict: etcdCerts instanceof CaBundleError ? 'error' : 'pass',
    note: etcdCerts instanceof CaBundleError ? etcdCerts.message : etcdCerts ? `etcd's client CA: ${etcdCerts.map(describeCa).join('; ')}` : `${etcdCa.value} is not on this node`,
  })

  let apiserver: StaticPodConfig | undefined
  try {
    apiserver = await apiserverConfig(ctx)
  } catch (error) {
    if (error instanceof ConfigParseError) return {evidence: [etcdItem, unreadableEvidence(APISERVER_CLIENT_CA, error)]}
    throw error
  }
  if (!apiserver?.found) {
    const missing: ConfigEvidence = apiserver
      ? notFoundEvidence(APISERVER_CLIENT_CA, apiserver)
      : {setting: APISERVER_CLIENT_CA, value: undefined, source: 'default', verdict: 'unknown'}
    missing.note = `${missing.note ?? 'not readable'}: nothing to compare etcd's CA with`
    return {evidence: [etcdItem, missing]}
  }
  const comparison = await compareWithClientCa(node, etcdCa, etcdCerts, apiserverSetting(apiserver, 'client-ca-file'))
  return {evidence: [etcdItem, comparison.item], ...(comparison.sharing ? {sharing: comparison.sharing} : {})}
}

async function compareWithClientCa(
  node: NodeAccess,
  etcdCa: FlagSetting,
  etcdCerts: CaCertificate[] | CaBundleError | undefined,
  clientCa: FlagSetting | undefined,
): Promise<{item: ConfigEvidence; sharing?: Sharing}> {
  if (!clientCa?.value) {
    return {
      item: {setting: APISERVER_CLIENT_CA, value: undefined, source: 'default', verdict: 'pass', note: 'not set: kube-apiserver has no client CA that etcd could share'},
      sharing: 'unique',
    }
  }
  const item = (verdict: ConfigEvidence['verdict'], note: string): ConfigEvidence =>
    located({setting: APISERVER_CLIENT_CA, value: clientCa.value, source: 'flag', verdict, note}, clientCa)

  if (path.posix.normalize(etcdCa.value) === path.posix.normalize(clientCa.value)) {
    return {item: item('fail', 'the same file as etcd --trusted-ca-file: etcd accepts every client certificate the cluster CA signs'), sharing: 'same-file'}
  }
  const clientCerts = await loadBundle(node, clientCa.value)
  if (clientCerts instanceof CaBundleError) return {item: item('error', clientCerts.message)}
  if (etcdCerts instanceof CaBundleError) return {item: item('error', `cannot compare with etcd's CA: ${etcdCerts.message}`)}
  if (!etcdCerts || !clientCerts) {
    const absent = etcdCerts ? clientCa.value : etcdCa.value
    return {item: item('unknown', `a different path, but ${absent} is not on this node, so the two CAs cannot be compared`)}
  }
  const common = clientCerts.filter((certificate) => etcdCerts.some((other) => other.fingerprint256 === certificate.fingerprint256))
  if (common.length > 0) {
    return {
      item: item('fail', `a different path, but the same CA certificate as etcd --trusted-ca-file (${common.map(describeCa).join('; ')}): a copy of the cluster CA is still the cluster CA`),
      sharing: 'same-certificate',
    }
  }
  return {item: item('pass', `a different CA from etcd's: ${clientCerts.map(describeCa).join('; ')}`), sharing: 'unique'}
}

/** The certificates of a CA file on the node; undefined when the file is not there. */
async function loadBundle(node: NodeAccess, nodePath: string): Promise<CaCertificate[] | CaBundleError | undefined> {
  const text = await node.readFile(nodePath)
  if (text === undefined) return undefined
  try {
    return readCaBundle(nodePath, text)
  } catch (error) {
    if (error instanceof CaBundleError) return error
    throw error
  }
}
