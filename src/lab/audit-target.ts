import {simNodeLayout} from '../runtimes/sim/node/layout.js'
import type {TargetOptions} from '../target/from-options.js'
import {kubelabHome, type Environment} from './home.js'
import {kindNodeAccess} from './node-files.js'
import {resolveLab} from './registry.js'

/**
 * What `kubelab audit --lab NAME` audits: the lab's own ports on 127.0.0.1, its node (manifests,
 * kubelet config, PKI: the sim lab's node root, or a kind lab's node container through `docker exec`)
 * and its admin kubeconfig. A kind lab's ports are the host sides of its port mappings. A port the
 * lab does not serve (no insecure port, no kubelet read-only port) is probed at the real default,
 * where a second lab could answer; run one lab at a time when auditing those checks.
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
    ...(lab.record.runtime === 'kind' ? {node: kindNodeAccess(lab, env), dockerPublished: true} : {nodeRoot: simNodeLayout(lab.dir).nodeRoot}),
    kubeconfig: lab.record.kubeconfig,
    kubernetesVersion: lab.record.kubernetesVersion,
  }
}
