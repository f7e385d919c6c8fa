import type {HttpProbeResult} from '../../../probes/types.js'
import {apiserverSetting} from '../../config/component.js'
import {flagEvidence} from '../../config/evidence.js'
import type {StaticPodConfig} from '../../../node-config/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {isClosed, probeOnce, wireEvidence} from '../../wire.js'
import {configEvidence, foundConfig, listValue, readApiserverConfig, requiredFlagEvidence} from './apiserver-config.js'
import {NO_CREDENTIALS, parseJson} from './requests.js'

const CONFIG_ONLY =
  'This check reads the API server’s etcd flags; the API server → etcd connection is not visible to an outside prober. Give node access (a node root) to evaluate it.'

/**
 * Every etcd URL kube-apiserver talks to: --etcd-servers, and the servers of each
 * --etcd-servers-overrides entry ("group/resource#url;url", entries separated by commas).
 */
function etcdUrls(config: StaticPodConfig): {flag: string; url: string}[] {
  const servers = listValue(apiserverSetting(config, 'etcd-servers')?.value).map((url) => ({flag: 'etcd-servers', url}))
  const overrides = listValue(apiserverSetting(config, 'etcd-servers-overrides')?.value).flatMap((entry) =>
    (entry.split('#')[1] ?? '')
      .split(';')
      .filter((url) => url !== '')
      .map((url) => ({flag: 'etcd-servers-overrides', url})),
  )
  return [...servers, ...overrides]
}

function isPlaintext(url: string): boolean {
  return !url.toLowerCase().startsWith('https://')
}

function serversEvidence(config: StaticPodConfig): ConfigEvidence[] {
  const evidence: ConfigEvidence[] = []
  const servers = apiserverSetting(config, 'etcd-servers')
  if (!servers || servers.value === '') {
    evidence.push(flagEvidence('etcd-servers', servers, () => 'error', {note: 'kube-apiserver refuses to start without it ("--etcd-servers must be specified")'}))
  } else {
    const plain = listValue(servers.value).filter(isPlaintext)
    evidence.push(
      flagEvidence('etcd-servers', servers, () => (plain.length > 0 ? 'fail' : 'pass'), {
        note:
          plain.length > 0
            ? `${plain.join(', ')} ${plain.length > 1 ? 'are' : 'is'} plain HTTP: every object the API server stores, Secrets included, crosses to etcd unencrypted, and etcd cannot tell the API server from anyone else`
            : 'every etcd server is reached over TLS',
      }),
    )
  }
  const overrides = apiserverSetting(config, 'etcd-servers-overrides')
  if (overrides) {
    const plain = etcdUrls(config)
      .filter((item) => item.flag === 'etcd-servers-overrides')
      .map((item) => item.url)
      .filter(isPlaintext)
    evidence.push(
      flagEvidence('etcd-servers-overrides', overrides, () => (plain.length > 0 ? 'fail' : 'pass'), {
        note: plain.length > 0 ? `${plain.join(', ')}: resources stored there travel unencrypted` : 'every override server is reached over TLS',
      }),
    )
  }
  return evidence
}

function tlsFilesEvidence(config: StaticPodConfig): ConfigEvidence[] {
  return [
    requiredFlagEvidence(config, 'etcd-certfile', 'the API server presents no client certificate to etcd, so etcd cannot require one and anyone who reaches etcd is as trusted as the API server'),
    requiredFlagEvidence(config, 'etcd-keyfile', 'without the key the client certificate cannot be used'),
    requiredFlagEvidence(config, 'etcd-cafile', 'the API server does not verify etcd’s certificate: whoever answers on the etcd address receives every write'),
  ]
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.')
}

/** Plain-HTTP etcd URLs an auditor here can reach: on the target's host, or on loopback when the target is local. */
function probeableUrls(config: StaticPodConfig, targetHost: string): string[] {
  const urls = new Set<string>()
  for (const {url} of etcdUrls(config)) {
    if (!url.toLowerCase().startsWith('http://')) continue
    let host: string
    try {
      host = new URL(url).hostname
    } catch {
      continue
    }
    if (host === targetHost || (isLoopback(host) && isLoopback(targetHost))) urls.add(url.replace(/\/$/, ''))
  }
  return [...urls]
}

/** etcd's GET /version answers {"etcdserver":"3.5.x","etcdcluster":"3.5.0"}. */
function etcdVersionEvidence(result: HttpProbeResult): WireEvidence {
  if (result.ok) {
    const parsed = parseJson(result.body)
    if (result.status === 200 && parsed !== null && typeof parsed === 'object' && 'etcdserver' in parsed) {
      return wireEvidence(result, 'fail', 'etcd answers in plain HTTP at the address the API server uses: anyone who reaches it reads and writes every key, with no API server in the way')
    }
    return wireEvidence(result, 'unknown', 'something answers there, but not etcd')
  }
  if (isClosed(result)) return wireEvidence(result, 'unknown', 'nothing answers there from here')
  return wireEvidence(result, 'error')
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const read = await readApiserverConfig(ctx)
  if (read.state === 'no-node-access') return {config: [], wire: [], skipReason: CONFIG_ONLY}
  const config = configEvidence(read, '--etcd-servers', (found) => [...serversEvidence(found), ...tlsFilesEvidence(found)])
  const found = foundConfig(read)
  const urls = found ? probeableUrls(found, ctx.target.endpoints.host) : []
  const wire = await Promise.all(urls.map(async (url) => etcdVersionEvidence(await probeOnce(ctx, {url: `${url}/version`, credentialsLabel: NO_CREDENTIALS}))))
  const weak = sideVerdict(config) === 'fail' || sideVerdict(wire) === 'fail'
  return {
    config,
    wire,
    summary: weak
      ? 'The API server’s link to etcd is not mutually authenticated TLS: the cluster’s entire state, Secrets included, is exposed on the way.'
      : 'The API server talks to etcd over TLS with its own client certificate and verifies etcd’s (configuration only: an https link is not visible on the wire).',
  }
}

export const etcdTlsCheck: CheckDefinition = {
  id: 'api-etcd-tls',
  title: 'The API server talks to etcd over mutually authenticated TLS',
  component: 'apiserver',
  severity: 'high',
  cis: [
    {benchmark: 'cis-1.12', id: '1.2.23', title: 'Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate'},
    {benchmark: 'cis-1.12', id: '1.2.26', title: 'Ensure that the --etcd-cafile argument is set as appropriate'},
  ],
  kubeHunter: [],
  kubescape: ['C-0137', 'C-0140'],
  remediation:
    'Point --etcd-servers at https:// URLs only, and give kube-apiserver an etcd client certificate signed by etcd’s CA (--etcd-certfile, --etcd-keyfile; kubeadm: /etc/kubernetes/pki/apiserver-etcd-client.crt and .key) and that CA to verify etcd (--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt). Then etcd can demand client certificates (--client-cert-auth=true) and the API server is the only ordinary client it accepts: etcd holds every Secret in the cluster.',
  evaluate,
}
