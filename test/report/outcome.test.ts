import {describe, expect, it} from '@jest/globals'
import {auditExitCode, countsAsFailure} from '../../src/report/outcome.js'
import {APISERVER_ANONYMOUS, ETCD_CLIENT_CERT, ETCD_PEER, KUBELET_READ_ONLY, RBAC_ANONYMOUS, report} from './sample-report.js'

describe('auditExitCode', () => {
  it('is 0 when nothing fails, even with errors and skips', () => {
    expect(auditExitCode(report([KUBELET_READ_ONLY, ETCD_PEER, RBAC_ANONYMOUS]), 'fail')).toBe(0)
  })

  it('is 1 when a check fails', () => {
    expect(auditExitCode(report([KUBELET_READ_ONLY, APISERVER_ANONYMOUS]), 'fail')).toBe(1)
  })

  it('counts warnings only with failOn=warn', () => {
    expect(auditExitCode(report([ETCD_CLIENT_CERT]), 'fail')).toBe(0)
    expect(auditExitCode(report([ETCD_CLIENT_CERT]), 'warn')).toBe(1)
    expect(countsAsFailure('error', 'warn')).toBe(false)
  })
})
