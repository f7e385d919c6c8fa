import {describe, expect, it} from '@jest/globals'
import {formatJson, JSON_SCHEMA_VERSION, toAuditJson} from '../../src/report/json.js'
import {MIXED_REPORT, report, RBAC_ANONYMOUS} from './sample-report.js'

describe('formatJson', () => {
  it('prints the documented shape with keys in a fixed order', () => {
    const parsed = JSON.parse(formatJson(MIXED_REPORT)) as Record<string, unknown>
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'target', 'startedAt', 'durationMs', 'counts', 'results'])
    expect(parsed.schemaVersion).toBe(JSON_SCHEMA_VERSION)
    expect(parsed.target).toEqual({host: '127.0.0.1', node: 'node root /tmp/lab/node'})
    expect(parsed.counts).toEqual({pass: 1, fail: 2, warn: 1, skip: 1, error: 1})
    expect(Object.keys(parsed.counts as object)).toEqual(['pass', 'fail', 'warn', 'skip', 'error'])
  })

  it('keeps every result, in report order, with its evidence', () => {
    const parsed = toAuditJson(MIXED_REPORT)
    expect(parsed.results.map((result) => result.id)).toEqual(MIXED_REPORT.results.map((result) => result.id))
    const kubelet = parsed.results.find((result) => result.id === 'kubelet-anonymous-auth')
    expect(kubelet?.wire[0]).toEqual({
      request: 'GET https://127.0.0.1:10250/pods (no credentials)',
      status: 200,
      bodyExcerpt: '{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"etcd-node" & <secret>',
      verdict: 'fail',
    })
    expect(kubelet?.disagreement).toMatch(/^Fixed in the configuration/)
  })

  it('leaves out keys that are unset instead of printing null', () => {
    const text = formatJson(report([RBAC_ANONYMOUS], {host: '10.0.0.5'}))
    expect(text).not.toContain('disagreement')
    expect(text).not.toContain('null')
    expect(JSON.parse(text).target).toEqual({host: '10.0.0.5'})
  })

  it('is the same text for equal reports built in a different key order', () => {
    const reordered = {...MIXED_REPORT, results: MIXED_REPORT.results.map((result) => Object.fromEntries(Object.entries(result).reverse()))}
    expect(formatJson(reordered as typeof MIXED_REPORT)).toBe(formatJson(MIXED_REPORT))
  })

  it('round-trips: the printed document equals the object', () => {
    expect(JSON.parse(formatJson(MIXED_REPORT))).toEqual(toAuditJson(MIXED_REPORT))
  })
})
