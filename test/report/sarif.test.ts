import {readFileSync} from 'node:fs'
import {describe, expect, it} from '@jest/globals'
import {Ajv} from 'ajv'
import ajvFormats from 'ajv-formats'
import type {Result} from 'sarif'
import {formatSarif, toSarif} from '../../src/report/sarif.js'
import {APISERVER_ANONYMOUS, MIXED_REPORT, report} from './sample-report.js'

/**
 * The schema jest-sarif ships is declared draft-04 ("$schema": draft-04, "id" instead of "$id"). Ajv 8 has no
 * draft-04 mode, but every keyword this schema uses (type, properties, required, items, enum, pattern, minimum,
 * uniqueItems, anyOf, oneOf, $ref, format...) means the same in draft-07, so it is validated as draft-07 after
 * renaming "id" to "$id" and dropping "$schema". unicodeRegExp is off because one of the schema's patterns
 * (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, for `language`) has a stray "]" that only non-unicode regexps accept.
 * ajv-formats is CommonJS whose module.exports is the plugin and also carries it as .default (what TypeScript sees).
 */
function sarifValidator() {
  const raw = JSON.parse(readFileSync('node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', 'utf8')) as {id: string; $schema: string}
  const {$schema: _draft04, id, ...rest} = raw
  const ajv = new Ajv({allErrors: true, strict: false, unicodeRegExp: false})
  ajvFormats.default(ajv)
  return ajv.compile({$id: id, ...rest})
}

const validate = sarifValidator()

function resultFor(id: string): Result | undefined {
  return toSarif(MIXED_REPORT).runs[0]?.results?.find((result) => result.ruleId === id)
}

describe('formatSarif', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(formatSarif(MIXED_REPORT, {toolVersion: '0.1.0'})) as unknown
    const valid = validate(log)
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
  })

  it('is rejected by that schema when broken, so the validation above means something', () => {
    const log = toSarif(MIXED_REPORT) as unknown as {runs: Array<{results: Array<{level: string}>}>}
    log.runs[0]!.results[0]!.level = 'fatal'
    expect(validate(log)).toBe(false)
  })

  it('describes every audited check as a rule', () => {
    const rules = toSarif(MIXED_REPORT, {toolVersion: '0.1.0'}).runs[0]?.tool.driver
    expect(rules?.name).toBe('kubelab')
    expect(rules?.version).toBe('0.1.0')
    expect(rules?.rules?.map((rule) => rule.id)).toEqual(MIXED_REPORT.results.map((result) => result.id))
    const apiserver = rules?.rules?.find((rule) => rule.id === 'apiserver-anonymous-auth')
    expect(apiserver?.shortDescription?.text).toBe('The API server rejects anonymous requests')
    expect(apiserver?.help?.text).toBe('Set --anonymous-auth=false in /etc/kubernetes/manifests/kube-apiserver.yaml.')
    expect(apiserver?.properties).toMatchObject({
      'security-severity': '5.5',
      cis: ['cis-1.12 1.2.1 (Manual)'],
      kubeHunter: ['KHV005'],
      kubescape: ['C-0113'],
    })
    expect(rules?.rules?.find((rule) => rule.id === 'kubelet-anonymous-auth')?.properties?.['security-severity']).toBe('9.5')
  })

  it('reports failures, warnings and errors with levels error, warning and note; not passes or skips', () => {
    const results = toSarif(MIXED_REPORT).runs[0]?.results ?? []
    expect(results.map((result) => [result.ruleId, result.level])).toEqual([
      ['kubelet-anonymous-auth', 'error'],
      ['apiserver-anonymous-auth', 'error'],
      ['etcd-client-cert-auth', 'warning'],
      ['etcd-peer-tls', 'note'],
    ])
    for (const result of results) {
      const rule = toSarif(MIXED_REPORT).runs[0]?.tool.driver.rules?.[result.ruleIndex ?? -1]
      expect(rule?.id).toBe(result.ruleId)
    }
  })

  it('points at the configuration file and line that showed the problem', () => {
    expect(resultFor('apiserver-anonymous-auth')?.locations).toEqual([
      {physicalLocation: {artifactLocation: {uri: '/etc/kubernetes/manifests/kube-apiserver.yaml'}, region: {startLine: 17}}},
    ])
    expect(resultFor('etcd-client-cert-auth')?.locations).toEqual([
      {physicalLocation: {artifactLocation: {uri: '/etc/kubernetes/manifests/etcd.yaml'}}},
    ])
  })

  it('percent-encodes a node path that is not a valid URI as it stands', () => {
    const file = '/tmp/my lab/etc/kubernetes/manifests/kube-apiserver.yaml'
    const withSpace = report([{...APISERVER_ANONYMOUS, config: APISERVER_ANONYMOUS.config.map((item) => ({...item, file}))}])
    const log = toSarif(withSpace)
    expect(log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('/tmp/my%20lab/etc/kubernetes/manifests/kube-apiserver.yaml')
    expect(validate(log)).toBe(true)
  })

  it('falls back to the component as a logical location when no file is known', () => {
    expect(resultFor('etcd-peer-tls')?.locations).toEqual([{logicalLocations: [{name: 'etcd', kind: 'module'}]}])
  })

  it('carries the summary, the disagreement and the evidence in the message', () => {
    const text = resultFor('kubelet-anonymous-auth')?.message.text ?? ''
    expect(text.split('\n')).toEqual([
      'Still open on the wire.',
      'Fixed in the configuration, still open on the wire: the component has not restarted with the new settings, or another process answers on its port.',
      'config: authentication.anonymous.enabled=false (config-file, /var/lib/kubelet/config.yaml:5)',
      'wire: GET https://127.0.0.1:10250/pods (no credentials) → 200 {"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"etcd-node" & <secret>',
    ])
  })
})
