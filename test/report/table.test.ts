import {describe, expect, it} from '@jest/globals'
import {formatTable} from '../../src/report/table.js'
import {APISERVER_ANONYMOUS, ETCD_PEER, KUBELET_READ_ONLY, MIXED_REPORT, report} from './sample-report.js'

const ANSI = /\u001b\[/

describe('formatTable', () => {
  it('prints one failing check exactly: status, id, title, summary, evidence, fix, CIS, totals', () => {
    const text = formatTable(report([APISERVER_ANONYMOUS]), {colour: false})
    expect(text).toBe(
      [
        'kubelab audit of 127.0.0.1 · node root /tmp/lab/node',
        'started 2026-05-01T10:00:00.000Z, 1 check in 1234 ms',
        '',
        'apiserver',
        '  FAIL   apiserver-anonymous-auth (medium) — The API server rejects anonymous requests',
        '         Weak: the configuration and wire show the problem.',
        '         config: --anonymous-auth=true (flag, /etc/kubernetes/manifests/kube-apiserver.yaml:17)',
        '         wire:   GET https://127.0.0.1:6443/api (no credentials) → 403 { "kind": "Status", "apiVersion": "v1", "status": "Failure", "message": "forbidden: User \\"system:anonymous\\" cannot ge… [TLSv1.3, server certificate signed by kubernetes CA]',
        '         fix:    Set --anonymous-auth=false in /etc/kubernetes/manifests/kube-apiserver.yaml.',
        '         CIS:    cis-1.12 1.2.1 (Manual)',
        '',
        'Totals: 1 fail, 0 warn, 0 error, 0 pass, 0 skip (1 check)',
        '',
      ].join('\n'),
    )
  })

  it('groups checks by component in the order apiserver, kubelet, etcd, rbac whatever the report order', () => {
    const lines = formatTable(MIXED_REPORT, {colour: false}).split('\n')
    const headings = lines.filter((line) => ['apiserver', 'kubelet', 'etcd', 'rbac'].includes(line))
    expect(headings).toEqual(['apiserver', 'kubelet', 'etcd', 'rbac'])
    expect(lines.indexOf('kubelet')).toBeLessThan(lines.findIndex((line) => line.includes('kubelet-anonymous-auth')))
    expect(lines.findIndex((line) => line.includes('kubelet-read-only-port'))).toBeLessThan(lines.indexOf('etcd'))
  })

  it('says when configuration and wire disagree', () => {
    const text = formatTable(MIXED_REPORT, {colour: false})
    expect(text).toContain('         ! Fixed in the configuration, still open on the wire: the component has not restarted')
  })

  it('shows a refused connection and a setting without a value compactly', () => {
    const text = formatTable(MIXED_REPORT, {colour: false})
    expect(text).toContain('wire:   GET http://127.0.0.1:10255/pods (no credentials) → connection refused\n')
    expect(text).toContain('config: --client-cert-auth unset (default, /etc/kubernetes/manifests/etcd.yaml)\n')
  })

  it('gives the remediation for failures and warnings only', () => {
    const text = formatTable(MIXED_REPORT, {colour: false})
    expect(text).toContain('fix:    Restart the kubelet')
    expect(text).toContain('fix:    Set --client-cert-auth=true')
    expect(text).not.toContain(KUBELET_READ_ONLY.remediation)
    expect(text).not.toContain(ETCD_PEER.remediation)
  })

  it('counts every status in the totals line', () => {
    expect(formatTable(MIXED_REPORT, {colour: false}).trimEnd().split('\n').at(-1)).toBe('Totals: 2 fail, 1 warn, 1 error, 1 pass, 1 skip (6 checks)')
  })

  it('never prints control characters a server sent (no terminal escapes from evidence)', () => {
    const text = formatTable(MIXED_REPORT, {colour: false})
    expect(text).toContain('junk\\x00\\x1b[0m')
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F]/)
  })

  it('is plain text without colour and coloured with it', () => {
    expect(formatTable(MIXED_REPORT, {colour: false})).not.toMatch(ANSI)
    const coloured = formatTable(MIXED_REPORT, {colour: true})
    expect(coloured).toMatch(ANSI)
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(formatTable(MIXED_REPORT, {colour: false}))
  })

  it('says so when no check was selected', () => {
    expect(formatTable(report([]), {colour: false})).toContain('No checks were selected.')
  })
})
