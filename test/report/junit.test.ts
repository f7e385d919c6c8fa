import {describe, expect, it} from '@jest/globals'
import {XMLParser, XMLValidator} from 'fast-xml-parser'
import {formatJunit} from '../../src/report/junit.js'
import {MIXED_REPORT} from './sample-report.js'

interface ParsedCase {
  '@_classname': string
  '@_name': string
  failure?: {'@_message': string; '@_type': string; '#text': string}
  error?: {'@_message': string; '#text': string}
  skipped?: {'@_message': string}
  'system-out'?: string
}
interface ParsedSuite {
  '@_name': string
  '@_tests': number
  '@_failures': number
  '@_errors': number
  '@_skipped': number
  testcase: ParsedCase[]
}
interface ParsedDocument {
  testsuites: {'@_tests': number; '@_failures': number; '@_errors': number; '@_skipped': number; testsuite: ParsedSuite[]}
}

function parse(xml: string): ParsedDocument {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseAttributeValue: true,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  })
  return parser.parse(xml) as ParsedDocument
}

function findCase(document: ParsedDocument, id: string): ParsedCase {
  const found = document.testsuites.testsuite.flatMap((suite) => suite.testcase).find((item) => item['@_name'].startsWith(`${id} – `))
  if (!found) throw new Error(`no testcase for ${id}`)
  return found
}

describe('formatJunit', () => {
  it('is well-formed XML', () => {
    expect(XMLValidator.validate(formatJunit(MIXED_REPORT, {failOn: 'fail'}))).toBe(true)
  })

  it('has one testsuite per component and the right counts', () => {
    const document = parse(formatJunit(MIXED_REPORT, {failOn: 'fail'}))
    expect(document.testsuites).toMatchObject({'@_tests': 6, '@_failures': 2, '@_errors': 1, '@_skipped': 1})
    expect(document.testsuites.testsuite.map((suite) => suite['@_name'])).toEqual(['apiserver', 'kubelet', 'etcd', 'rbac'])
    const kubelet = document.testsuites.testsuite.find((suite) => suite['@_name'] === 'kubelet')
    expect(kubelet).toMatchObject({'@_tests': 2, '@_failures': 1, '@_errors': 0, '@_skipped': 0})
  })

  it('names each testcase "id – title" with the component as classname', () => {
    const testcase = findCase(parse(formatJunit(MIXED_REPORT, {failOn: 'fail'})), 'kubelet-anonymous-auth')
    expect(testcase['@_name']).toBe('kubelet-anonymous-auth – The kubelet rejects anonymous requests')
    expect(testcase['@_classname']).toBe('kubelet')
  })

  it('puts the summary in the failure message and the evidence in its body, characters intact', () => {
    const failure = findCase(parse(formatJunit(MIXED_REPORT, {failOn: 'fail'})), 'kubelet-anonymous-auth').failure
    expect(failure?.['@_message']).toBe('Still open on the wire.')
    expect(failure?.['#text']).toContain('config: authentication.anonymous.enabled=false (config-file, /var/lib/kubelet/config.yaml:5)')
    expect(failure?.['#text']).toContain('"name":"etcd-node" & <secret>')
    expect(failure?.['#text']).toContain('remediation: Restart the kubelet')
  })

  it('marks errors as <error> and skips as <skipped>', () => {
    const document = parse(formatJunit(MIXED_REPORT, {failOn: 'fail'}))
    expect(findCase(document, 'etcd-peer-tls').error?.['@_message']).toBe('Could not evaluate: no answer within 3000 ms')
    expect(findCase(document, 'rbac-anonymous-bindings').skipped?.['@_message']).toBe('Needs --kubeconfig to read RoleBindings.')
    expect(findCase(document, 'kubelet-read-only-port')).not.toHaveProperty('failure')
  })

  it('fails a warning only under failOn=warn', () => {
    const lenient = parse(formatJunit(MIXED_REPORT, {failOn: 'fail'}))
    expect(findCase(lenient, 'etcd-client-cert-auth').failure).toBeUndefined()
    expect(findCase(lenient, 'etcd-client-cert-auth')['system-out']).toMatch(/^WARN: /)

    const strict = parse(formatJunit(MIXED_REPORT, {failOn: 'warn'}))
    expect(strict.testsuites['@_failures']).toBe(3)
    expect(findCase(strict, 'etcd-client-cert-auth').failure?.['@_type']).toBe('warn')
  })
})
