import {ETCD_CLIENT_FILES, readSimEndpoints} from '../runtimes/sim/lab-endpoints.js'
import {hostPath, simNodeLayout} from '../runtimes/sim/node/layout.js'
import {KUBELAB_LAB_ENV} from './home.js'
import type {Lab} from './registry.js'

/** A variable to export, or (value undefined) to unset so that a previous lab's value does not linger. */
export interface EnvironmentVariable {
  name: string
  value: string | undefined
}

/**
 * What a shell needs to work on the lab: kubectl's KUBECONFIG, the lab's name for kubelab itself,
 * where each component answers, and etcdctl's endpoint — with the healthcheck client certificate
 * when etcd speaks TLS (as an admin would run etcdctl on a kubeadm node). Endpoints come from the
 * node's files as they are now, so turning TLS on in etcd.yaml changes what `env` prints.
 */
export async function labEnvironment(lab: Lab): Promise<EnvironmentVariable[]> {
  const layout = simNodeLayout(lab.dir)
  const endpoints = await readSimEndpoints(layout, lab.record.ports)
  const etcdTls = endpoints.etcd.startsWith('https:')
  const certificate = (nodePath: string): string | undefined => (etcdTls ? hostPath(layout, nodePath) : undefined)
  return [
    {name: 'KUBECONFIG', value: lab.record.kubeconfig},
    {name: KUBELAB_LAB_ENV, value: lab.name},
    {name: 'KUBELAB_APISERVER', value: endpoints.apiserver},
    {name: 'KUBELAB_APISERVER_INSECURE', value: endpoints.apiserverInsecure},
    {name: 'KUBELAB_ETCD', value: endpoints.etcd},
    {name: 'KUBELAB_KUBELET', value: endpoints.kubelet},
    {name: 'KUBELAB_KUBELET_READONLY', value: endpoints.kubeletReadOnly},
    {name: 'ETCDCTL_API', value: '3'},
    {name: 'ETCDCTL_ENDPOINTS', value: endpoints.etcd},
    {name: 'ETCDCTL_CACERT', value: certificate(ETCD_CLIENT_FILES.ca)},
    {name: 'ETCDCTL_CERT', value: certificate(ETCD_CLIENT_FILES.cert)},
    {name: 'ETCDCTL_KEY', value: certificate(ETCD_CLIENT_FILES.key)},
  ]
}

/** POSIX shell: `eval "$(kubelab env)"` runs it in bash, zsh, dash. */
export function formatExports(variables: readonly EnvironmentVariable[]): string {
  const lines = variables.map(({name, value}) => (value === undefined ? `unset ${name}` : `export ${name}=${shellQuote(value)}`))
  return `${lines.join('\n')}\n`
}

/** Single quotes keep everything literal; a single quote itself is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}
