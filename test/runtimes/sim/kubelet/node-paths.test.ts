import {describe, expect, it} from '@jest/globals'
import {isNodePath, toNodePath, translateArgs} from '../../../../src/runtimes/sim/kubelet/node-paths.js'

const ROOT = '/tmp/labs/demo/node'

describe('node path translation of a static pod command line', () => {
  it('moves values under the node prefixes into the node root in every flag form', () => {
    expect(
      translateArgs(
        ['--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--data-dir', '/var/lib/etcd', '/etc/kubernetes/manifests', '--audit-log-path=/var/log/kubernetes/audit.log'],
        ROOT,
      ),
    ).toEqual([
      `--cert-file=${ROOT}/etc/kubernetes/pki/etcd/server.crt`,
      '--data-dir',
      `${ROOT}/var/lib/etcd`,
      `${ROOT}/etc/kubernetes/manifests`,
      `--audit-log-path=${ROOT}/var/log/kubernetes/audit.log`,
    ])
  })

  it('translates each path of a comma list and keeps suffixes such as SNI patterns', () => {
    expect(translateArgs(['--tls-sni-cert-key=/etc/kubernetes/pki/a.crt,/etc/kubernetes/pki/a.key:*.example.com'], ROOT)).toEqual([
      `--tls-sni-cert-key=${ROOT}/etc/kubernetes/pki/a.crt,${ROOT}/etc/kubernetes/pki/a.key:*.example.com`,
    ])
  })

  it('leaves URLs, other paths, flag names and look-alike prefixes alone', () => {
    const untouched = [
      '--etcd-servers=https://127.0.0.1:2379,https://10.0.0.1:2379',
      '--advertise-client-urls=https://127.0.0.1:2379',
      '--allow-privileged=true',
      '--profiling',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--kubeconfig=/root/.kube/config',
      '/etc/kubernetes-backup/ca.crt',
      '/var/lib/etcd2',
      '--runtime-config=',
    ]
    expect(translateArgs(untouched, ROOT)).toEqual(untouched)
  })

  it('knows the node prefixes exactly', () => {
    expect(isNodePath('/etc/kubernetes')).toBe(true)
    expect(isNodePath('/etc/pki/tls/certs')).toBe(true)
    expect(isNodePath('/etc/pkix')).toBe(false)
    expect(isNodePath('etc/kubernetes/pki')).toBe(false)
  })

  it('turns a translated path back into the node path for messages', () => {
    expect(toNodePath(`${ROOT}/etc/kubernetes/scheduler.conf`, ROOT)).toBe('/etc/kubernetes/scheduler.conf')
    expect(toNodePath('/etc/passwd', ROOT)).toBe('/etc/passwd')
  })
})
