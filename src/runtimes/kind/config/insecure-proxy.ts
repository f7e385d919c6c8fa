import {stringify} from 'yaml'
import {KIND_NODE_PATHS, manifestPath} from './post-create.js'

export const INSECURE_PROXY_NAME = 'kube-apiserver-insecure-proxy'
export const INSECURE_PROXY_MANIFEST = manifestPath(INSECURE_PROXY_NAME)

/**
 * The modern stand-in for the API server's insecure port, as KWOK builds it for
 * `--kube-apiserver-insecure-port` (component "kube-apiserver-insecure-proxy"): `kubectl proxy`
 * holding the admin kubeconfig, so every request on the port is cluster-admin without credentials.
 *
 * - `--disable-filter`: kubectl proxy's defaults reject /exec and /attach paths and accept only
 *   localhost Host headers; the insecure port did neither.
 * - `--address` is every interface of the node container (hostNetwork): Docker's port mapping
 *   forwards to the container's own address, never to its loopback. The host side of the mapping
 *   listens on 127.0.0.1 only.
 * - kubectl is the node's own /usr/bin/kubectl (kind node images ship it, a static binary), run in
 *   the kube-apiserver image kind preloads, so nothing is pulled.
 */
export function insecureProxyManifest(options: {kubernetesVersion: string; port: number; inNodeAddress: string}): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: INSECURE_PROXY_NAME,
      namespace: 'kube-system',
      labels: {component: INSECURE_PROXY_NAME, tier: 'control-plane', 'app.kubernetes.io/managed-by': 'kubelab'},
    },
    spec: {
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      containers: [
        {
          name: INSECURE_PROXY_NAME,
          image: `registry.k8s.io/kube-apiserver:v${options.kubernetesVersion}`,
          imagePullPolicy: 'IfNotPresent',
          command: [
            '/kubelab/kubectl',
            'proxy',
            `--address=${options.inNodeAddress}`,
            `--port=${options.port}`,
            '--accept-hosts=^.*$',
            '--disable-filter=true',
            `--kubeconfig=${KIND_NODE_PATHS.adminKubeconfig}`,
          ],
          env: [{name: 'HOME', value: '/tmp'}],
          volumeMounts: [
            {name: 'kubectl', mountPath: '/kubelab/kubectl', readOnly: true},
            {name: 'admin-kubeconfig', mountPath: KIND_NODE_PATHS.adminKubeconfig, readOnly: true},
          ],
        },
      ],
      volumes: [
        {name: 'kubectl', hostPath: {path: '/usr/bin/kubectl', type: 'File'}},
        {name: 'admin-kubeconfig', hostPath: {path: KIND_NODE_PATHS.adminKubeconfig, type: 'File'}},
      ],
    },
  }
  return stringify(pod, {lineWidth: 0})
}
