import type {AuditReport} from '../../src/checks/evaluate.js'
import type {CheckResult, Status} from '../../src/checks/model.js'

/**
 * AuditReports built by hand to unit-test the formatters; the evidence copies what the real components answer
 * (see /work/shared/reference/auditors-and-wire-behaviour.md §4–5).
 */
export function result(overrides: Partial<CheckResult> & Pick<CheckResult, 'id' | 'component' | 'status'>): CheckResult {
  return {
    title: `Title of ${overrides.id}`,
    severity: 'high',
    summary: `Summary of ${overrides.id}.`,
    config: [],
    wire: [],
    remediation: `Remediation of ${overrides.id}.`,
    cis: [],
    kubeHunter: [],
    kubescape: [],
    durationMs: 5,
    ...overrides,
  }
}

export function report(results: CheckResult[], target: AuditReport['target'] = {host: '127.0.0.1', node: 'node root /tmp/lab/node'}): AuditReport {
  const counts: Record<Status, number> = {pass: 0, fail: 0, warn: 0, skip: 0, error: 0}
  for (const item of results) counts[item.status] += 1
  return {target, startedAt: '2026-05-01T10:00:00.000Z', durationMs: 1234, results, counts}
}

export const APISERVER_ANONYMOUS = result({
  id: 'apiserver-anonymous-auth',
  title: 'The API server rejects anonymous requests',
  component: 'apiserver',
  status: 'fail',
  severity: 'medium',
  summary: 'Weak: the configuration and wire show the problem.',
  config: [
    {setting: '--anonymous-auth', value: 'true', source: 'flag', file: '/etc/kubernetes/manifests/kube-apiserver.yaml', line: 17, verdict: 'fail'},
  ],
  wire: [
    {
      request: 'GET https://127.0.0.1:6443/api (no credentials)',
      status: 403,
      bodyExcerpt:
        '{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "status": "Failure",\n  "message": "forbidden: User \\"system:anonymous\\" cannot get path \\"/api\\"",\n  "reason": "Forbidden"\n}',
      tls: 'TLSv1.3, server certificate signed by kubernetes CA',
      verdict: 'fail',
    },
  ],
  remediation: 'Set --anonymous-auth=false in /etc/kubernetes/manifests/kube-apiserver.yaml.',
  cis: [{benchmark: 'cis-1.12', id: '1.2.1', title: 'Ensure that the --anonymous-auth argument is set to false', manual: true}],
  kubeHunter: ['KHV005'],
  kubescape: ['C-0113'],
})

export const KUBELET_ANONYMOUS = result({
  id: 'kubelet-anonymous-auth',
  title: 'The kubelet rejects anonymous requests',
  component: 'kubelet',
  status: 'fail',
  severity: 'critical',
  summary: 'Still open on the wire.',
  disagreement:
    'Fixed in the configuration, still open on the wire: the component has not restarted with the new settings, or another process answers on its port.',
  config: [
    {
      setting: 'authentication.anonymous.enabled',
      value: 'false',
      source: 'config-file',
      file: '/var/lib/kubelet/config.yaml',
      line: 5,
      verdict: 'pass',
    },
  ],
  wire: [
    {
      request: 'GET https://127.0.0.1:10250/pods (no credentials)',
      status: 200,
      bodyExcerpt: '{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"etcd-node" & <secret>',
      verdict: 'fail',
    },
  ],
  remediation: 'Restart the kubelet so that it reads authentication.anonymous.enabled: false.',
  cis: [{benchmark: 'cis-1.12', id: '4.2.1', title: 'Ensure that the --anonymous-auth argument is set to false'}],
  kubeHunter: ['KHV036'],
  kubescape: ['C-0069', 'C-0172'],
})

export const KUBELET_READ_ONLY = result({
  id: 'kubelet-read-only-port',
  title: 'The kubelet read-only port is off',
  component: 'kubelet',
  status: 'pass',
  severity: 'high',
  summary: 'Hardened: configuration and wire agree.',
  config: [{setting: 'readOnlyPort', value: '0', source: 'default', verdict: 'pass', note: 'unset; 0 since Kubernetes 1.10 in KubeletConfiguration'}],
  wire: [{request: 'GET http://127.0.0.1:10255/pods (no credentials)', error: 'connection refused', verdict: 'pass'}],
  remediation: 'Set readOnlyPort: 0 in /var/lib/kubelet/config.yaml.',
  cis: [{benchmark: 'cis-1.12', id: '4.2.4', title: 'Verify that if defined, the --read-only-port argument is set to 0', manual: true}],
})

export const ETCD_CLIENT_CERT = result({
  id: 'etcd-client-cert-auth',
  title: 'etcd requires client certificates',
  component: 'etcd',
  status: 'warn',
  severity: 'critical',
  summary: 'Weak: the configuration shows the problem.',
  config: [{setting: '--client-cert-auth', value: undefined, source: 'default', file: '/etc/kubernetes/manifests/etcd.yaml', verdict: 'fail'}],
  remediation: 'Set --client-cert-auth=true and --trusted-ca-file in /etc/kubernetes/manifests/etcd.yaml.',
  cis: [{benchmark: 'cis-1.12', id: '2.2', title: 'Ensure that the --client-cert-auth argument is set to true'}],
})

export const ETCD_PEER = result({
  id: 'etcd-peer-tls',
  title: 'etcd peers use mutual TLS',
  component: 'etcd',
  status: 'error',
  severity: 'high',
  summary: 'Could not evaluate: no answer within 3000 ms',
  // A garbage answer (NUL and ESC bytes) as a non-HTTP service may send; XML cannot carry these characters.
  wire: [{request: 'TLS 127.0.0.1:2380 (no client certificate)', error: 'no answer within 3000 ms', bodyExcerpt: 'junk\u0000\u001b[0m', verdict: 'error'}],
})

export const RBAC_ANONYMOUS = result({
  id: 'rbac-anonymous-bindings',
  title: 'No role is bound to anonymous users',
  component: 'rbac',
  status: 'skip',
  severity: 'high',
  summary: 'Needs --kubeconfig to read RoleBindings.',
})

/** One check of every status, across all four components, deliberately not in component order. */
export const MIXED_REPORT = report([RBAC_ANONYMOUS, KUBELET_ANONYMOUS, APISERVER_ANONYMOUS, ETCD_CLIENT_CERT, KUBELET_READ_ONLY, ETCD_PEER])
