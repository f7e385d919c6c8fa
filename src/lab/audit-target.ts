import {simNodeLayout} from '../runtimes/sim/node/layout.js'
import type {TargetOptions} from '../target/from-options.js'
import {kubelabHome, type Environment} from './home.js'
import {resolveLab} from './registry.js'

/**
 * What `kubelab audit --lab NAME` audits: the lab's own ports on 127.0.0.1, its node root (manifests,
 * kubelet config, PKI) and its admin kubeconfig. A port the lab does not serve (no insecure port, no
 * kubelet read-only port) is probed at the real default, where a second lab could answer; run one lab
 * at a time when auditing those checks.
 */
export async function labTargetOptions(requested: string | undefined, env: Environment = process.env): Promise<TargetOptions & {labName: string}> {
  const lab = await resolveLab(requested, kubelabHome(env), env)
  const {ports} = lab.record
  return {
    labName: lab.name,
    host: '127.0.0.1',
    ports: {
      apiserverSecure: ports.apiserverSecure,
      etcdClient: ports.etcdClient,
      etcdPeer: ports.etcdPeer,
      kubelet: ports.kubelet,
      ...(ports.apiserverInsecure === undefined ? {} : {apiserverInsecure: ports.apiserverInsecure}),
      ...(ports.kubeletReadOnly === undefined ? {} : {kubeletReadOnly: ports.kubeletReadOnly}),
    },
    nodeRoot: simNodeLayout(lab.dir).nodeRoot,
    kubeconfig: lab.record.kubeconfig,
    kubernetesVersion: lab.record.kubernetesVersion,
  }
}
