import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {configEvidence, readApiserverConfig, requiredFlagEvidence} from './apiserver-config.js'

const CONFIG_ONLY =
  'This check reads the API server’s flags, and the connection it describes (API server → kubelet) is not visible to an outside prober; give node access (a node root) to evaluate it.'

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const read = await readApiserverConfig(ctx)
  if (read.state === 'no-node-access') return {config: [], wire: [], skipReason: CONFIG_ONLY}
  const config = configEvidence(read, '--kubelet-client-certificate', (found) => [
    requiredFlagEvidence(found, 'kubelet-client-certificate', 'the API server calls kubelets (exec, logs, port-forward) without a client certificate, so a kubelet that requires one refuses it, and one that does not cannot tell it from anyone else'),
    requiredFlagEvidence(found, 'kubelet-client-key', 'without the key the client certificate cannot be used'),
    requiredFlagEvidence(
      found,
      'kubelet-certificate-authority',
      'the API server does not verify kubelets’ serving certificates: whoever answers on a node’s address receives the exec, attach and log streams meant for that kubelet',
    ),
  ])
  const weak = sideVerdict(config) === 'fail'
  return {
    config,
    wire: [],
    summary: weak
      ? 'The API server’s connections to kubelets are not mutually authenticated (configuration only: this link is not visible on the wire).'
      : 'The API server presents a client certificate to kubelets and verifies theirs (configuration only: this link is not visible on the wire).',
  }
}

export const kubeletTlsCheck: CheckDefinition = {
  id: 'api-kubelet-tls',
  title: 'The API server and the kubelets authenticate each other with certificates',
  component: 'apiserver',
  severity: 'medium',
  cis: [
    {benchmark: 'cis-1.12', id: '1.2.4', title: 'Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate'},
    {benchmark: 'cis-1.12', id: '1.2.5', title: 'Ensure that the --kubelet-certificate-authority argument is set as appropriate'},
  ],
  kubeHunter: [],
  kubescape: ['C-0116', 'C-0117'],
  remediation:
    'In /etc/kubernetes/manifests/kube-apiserver.yaml set --kubelet-client-certificate and --kubelet-client-key to a client certificate the kubelets trust (kubeadm: /etc/kubernetes/pki/apiserver-kubelet-client.crt and .key), so kubelets can require certificates and refuse everyone else. Then have kubelets get serving certificates signed by the cluster CA (serverTLSBootstrap: true in the KubeletConfiguration, and approve their CSRs) and set --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt, so the API server refuses a machine that merely pretends to be a node.',
  evaluate,
}
