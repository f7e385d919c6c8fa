import {describe, expect, it} from '@jest/globals'
import {XMLValidator} from 'fast-xml-parser'
import {formatHtmlReport} from '../../src/report/html/audit.js'
import {escapeHtml} from '../../src/report/html/escape.js'
import {HOSTILE_REPORT, htmlChecks, textOf} from './html-support.js'
import {APISERVER_ANONYMOUS, MIXED_REPORT, report} from './sample-report.js'

const OPTIONS = {title: 'kubelab audit: lab all-open', kubelabVersion: '0.1.0', generatedAt: '2026-05-01T10:00:05.000Z'}

describe('escapeHtml', () => {
  it('escapes markup and quotes, and shows control characters', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;')
    expect(escapeHtml('junk\u0000\u001b[0m')).toBe('junk\\x00\\x1b[0m')
  })
})

describe('formatHtmlReport', () => {
  const html = formatHtmlReport(MIXED_REPORT, OPTIONS)

  it('is one self-contained document: inline CSS, no script, nothing fetched from the network', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true)
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    expect(html).toMatch(/<style>[\s\S]*@media print[\s\S]*<\/style>/)
    expect(html).not.toMatch(/<script\b/i)
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|@import|url\(/i)
    expect(html).not.toMatch(/(?:src|href)="(?!#)/)
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`)
  })

  it('shows every check with its status as a word, its title, id, severity and CIS ids', () => {
    const checks = htmlChecks(html)
    expect(checks.map((check) => [check.id, check.status])).toEqual([
      ['apiserver-anonymous-auth', 'FAIL'],
      ['kubelet-anonymous-auth', 'FAIL'],
      ['kubelet-read-only-port', 'PASS'],
      ['etcd-client-cert-auth', 'WARN'],
      ['etcd-peer-tls', 'ERROR'],
      ['rbac-anonymous-bindings', 'SKIP'],
    ])
    const apiserver = checks[0]?.text ?? ''
    expect(apiserver).toContain('The API server rejects anonymous requests')
    expect(apiserver).toContain('Severity medium')
    expect(apiserver).toContain('CIS cis-1.12 1.2.1 (Manual)')
    expect(apiserver).toContain('kube-hunter KHV005')
  })

  it('gives both sides of the evidence: setting, value, file:line; request, status, excerpt', () => {
    const [apiserver, kubelet] = htmlChecks(html)
    expect(apiserver?.text).toContain('--anonymous-auth = true (flag) in /etc/kubernetes/manifests/kube-apiserver.yaml:17')
    expect(apiserver?.text).toContain('GET https://127.0.0.1:6443/api (no credentials) → HTTP 403')
    expect(apiserver?.text).toContain('"reason": "Forbidden"')
    expect(kubelet?.text).toContain('authentication.anonymous.enabled = false (config-file) in /var/lib/kubelet/config.yaml:5')
    expect(kubelet?.text).toContain('Fixed in the configuration, still open on the wire')
  })

  it('says what to do for what is not passing, and not for what passes', () => {
    const checks = htmlChecks(html)
    expect(checks.find((check) => check.id === 'apiserver-anonymous-auth')?.text).toContain('Fix: Set --anonymous-auth=false in /etc/kubernetes/manifests/kube-apiserver.yaml.')
    expect(checks.find((check) => check.id === 'kubelet-read-only-port')?.text).not.toContain('Fix:')
  })

  it('groups checks per component and counts them in the summary', () => {
    const sections = [...html.matchAll(/<section id="component-(\w+)"/g)].map((match) => match[1])
    expect(sections).toEqual(['apiserver', 'kubelet', 'etcd', 'rbac'])
    expect(html).toContain('<div class="bar" role="img" aria-label="2 fail, 1 error, 1 warn, 1 skip, 1 pass">')
    expect(textOf(html)).toContain('2 of 6 checks fail.')
  })

  it('shows steps with the checks each has left', () => {
    const withSteps = formatHtmlReport(MIXED_REPORT, {
      ...OPTIONS,
      steps: [
        {id: 'lock-the-kubelet', title: 'Lock the kubelet', checks: ['kubelet-anonymous-auth', 'kubelet-read-only-port']},
        {id: 'read-only', title: 'Close the read-only port', checks: ['kubelet-read-only-port']},
      ],
    })
    const rows = [...withSteps.matchAll(/<tr><td data-label="Step">([\s\S]*?)<\/tr>/g)].map((match) => textOf(match[1] ?? ''))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatch(/^1\. Lock the kubelet lock-the-kubelet ✘ 1 LEFT kubelet-anonymous-auth FAIL kubelet-read-only-port PASS$/)
    expect(rows[1]).toMatch(/^2\. Close the read-only port read-only ✔ DONE kubelet-read-only-port PASS$/)
  })

  it('escapes everything a server or a file said: a <script> in evidence stays text', () => {
    const hostile = formatHtmlReport(HOSTILE_REPORT, {...OPTIONS, title: 'audit of <b>lab</b>', facts: [{label: 'Script', value: '/tmp/"><script>x()</script>.sh'}]})
    expect(hostile).not.toMatch(/<script\b/i)
    expect(hostile).not.toMatch(/<img\b/i)
    expect(hostile).toContain('&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;')
    expect(hostile).toContain('<title>audit of &lt;b&gt;lab&lt;/b&gt;</title>')
    expect(hostile).toContain('\\x1b[31m')
    // Every tag the page opens is closed: well-formed as XML, so no stray markup from the evidence.
    expect(XMLValidator.validate(hostile.replace('<!DOCTYPE html>', '').replace(/<(meta|br)\b([^>]*)>/g, '<$1$2/>'))).toBe(true)
  })

  it('says so when nothing was selected, and when everything passes', () => {
    expect(textOf(formatHtmlReport(report([]), OPTIONS))).toContain('No checks were selected.')
    const passing = report([{...APISERVER_ANONYMOUS, status: 'pass'}])
    expect(textOf(formatHtmlReport(passing, OPTIONS))).toContain('Every check passes (1 of 1).')
  })
})
