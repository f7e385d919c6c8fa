import type {AuditReport} from '../../checks/evaluate.js'
import {COMPONENTS, type CheckResult, type Component, type ConfigEvidence, type Status, type WireEvidence} from '../../checks/model.js'
import {describeCis} from '../evidence.js'
import {anchor, escapeHtml} from './escape.js'
import {badge, htmlPage, readableDuration, type PageFact, type PageNotice} from './page.js'

/** A group of checks that must all pass: a scenario step. */
export interface HtmlStep {
  id: string
  title: string
  checks: readonly string[]
}

export interface HtmlAuditOptions {
  /** e.g. "kubelab playbook run: all-open" */
  title: string
  kubelabVersion: string
  /** ISO 8601; default: now. */
  generatedAt?: string
  facts?: readonly PageFact[]
  /** Default: a sentence from the counts. */
  headline?: PageNotice
  notices?: readonly PageNotice[]
  /** The scenario's steps, shown as a table before the components. */
  steps?: readonly HtmlStep[]
}

const STATUS_ORDER: readonly Status[] = ['fail', 'error', 'warn', 'skip', 'pass']

export const COMPONENT_TITLES: Readonly<Record<Component, string>> = {
  apiserver: 'API server (kube-apiserver)',
  kubelet: 'Kubelet',
  etcd: 'etcd',
  rbac: 'RBAC (who may do what)',
}

/**
 * The audit as one self-contained HTML page: a summary bar, the steps (when given), then per
 * component each check with its status (word and colour), title, id, severity, CIS ids, summary,
 * both sides' evidence, and what to do.
 */
export function formatHtmlReport(report: AuditReport, options: HtmlAuditOptions): string {
  const facts: PageFact[] = [...(options.facts ?? []), {label: 'Target', value: describeTarget(report)}, {label: 'Audit', value: `${report.results.length} checks, started ${report.startedAt}, took ${readableDuration(report.durationMs)}`}]
  return htmlPage(
    {
      title: options.title,
      generatedAt: options.generatedAt ?? new Date().toISOString(),
      kubelabVersion: options.kubelabVersion,
      facts,
      headline: options.headline ?? defaultHeadline(report),
      ...(options.notices ? {notices: options.notices} : {}),
    },
    [...summarySection(report), ...(options.steps ? stepsSection(options.steps, report) : []), ...componentSections(report)],
  )
}

function describeTarget(report: AuditReport): string {
  return [report.target.host, report.target.node, report.target.kubeconfig && `kubeconfig ${report.target.kubeconfig}`].filter(Boolean).join(' · ')
}

function defaultHeadline(report: AuditReport): PageNotice {
  const {fail, error, warn} = report.counts
  if (fail > 0) return {status: 'fail', text: `${fail} of ${report.results.length} checks fail.`}
  if (error > 0) return {status: 'error', text: `No check fails, but ${error} could not be evaluated.`}
  if (warn > 0) return {status: 'warn', text: `No check fails; ${warn} warn.`}
  return {status: 'pass', text: `Every check passes (${report.counts.pass} of ${report.results.length}${report.counts.skip > 0 ? `, ${report.counts.skip} skipped` : ''}).`}
}

function summarySection(report: AuditReport): string[] {
  const present = STATUS_ORDER.filter((status) => report.counts[status] > 0)
  const words = present.map((status) => `${report.counts[status]} ${status}`).join(', ')
  return [
    '<section aria-labelledby="summary-title">',
    '<h2 id="summary-title">Summary</h2>',
    `<div class="bar" role="img" aria-label="${escapeHtml(words || 'no checks')}">`,
    ...present.map((status) => `<span class="s-${status}" style="flex-grow: ${report.counts[status]}" title="${report.counts[status]} ${status}">${report.counts[status]}</span>`),
    '</div>',
    `<ul class="counts">${STATUS_ORDER.map((status) => `<li>${badge(status)} <strong>${report.counts[status]}</strong></li>`).join('')}</ul>`,
    '<ul class="toc">',
    ...COMPONENTS.filter((component) => report.results.some((result) => result.component === component)).map((component) => {
      const results = report.results.filter((result) => result.component === component)
      const failing = results.filter((result) => result.status !== 'pass' && result.status !== 'skip').length
      return `<li><a href="#${anchor('component', component)}">${escapeHtml(COMPONENT_TITLES[component])}</a> ${failing > 0 ? badge('fail', `${failing} not passing`) : badge('pass', 'all pass')}</li>`
    }),
    '</ul>',
    '</section>',
  ]
}

function stepsSection(steps: readonly HtmlStep[], report: AuditReport): string[] {
  const statusOf = new Map(report.results.map((result) => [result.id, result.status]))
  const rows = steps.map((step, index) => {
    const left = step.checks.filter((id) => statusOf.get(id) !== 'pass')
    const checks = step.checks
      .map((id) => `<a href="#${anchor('check', id)}"><code>${escapeHtml(id)}</code></a> ${badge(statusOf.get(id) ?? 'error', (statusOf.get(id) ?? 'not run').toUpperCase())}`)
      .join('<br>')
    return [
      '<tr>',
      `<td data-label="Step">${index + 1}. ${escapeHtml(step.title)} <code class="check-id">${escapeHtml(step.id)}</code></td>`,
      `<td data-label="Result">${left.length === 0 ? badge('pass', '✔ DONE') : badge('fail', `✘ ${left.length} LEFT`)}</td>`,
      `<td data-label="Checks">${checks}</td>`,
      '</tr>',
    ].join('')
  })
  return [
    '<section aria-labelledby="steps-title">',
    '<h2 id="steps-title">Steps</h2>',
    '<table class="grid"><thead><tr><th>Step</th><th>Result</th><th>Checks</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table>',
    '</section>',
  ]
}

function componentSections(report: AuditReport): string[] {
  const sections: string[] = []
  for (const component of COMPONENTS) {
    const results = report.results.filter((result) => result.component === component)
    if (results.length === 0) continue
    const counts = STATUS_ORDER.filter((status) => results.some((result) => result.status === status)).map(
      (status) => `${results.filter((result) => result.status === status).length} ${status}`,
    )
    sections.push(
      `<section id="${anchor('component', component)}" aria-labelledby="${anchor('component-title', component)}">`,
      `<h2 id="${anchor('component-title', component)}">${escapeHtml(COMPONENT_TITLES[component])} <small class="check-id">${escapeHtml(counts.join(', '))}</small></h2>`,
      ...results.map(checkArticle),
      '</section>',
    )
  }
  if (report.results.length === 0) sections.push('<p class="none">No checks were selected.</p>')
  return sections
}

function checkArticle(result: CheckResult): string {
  const references = [
    ...(result.cis.length > 0 ? [`CIS ${result.cis.map(describeCis).join(', ')}`] : []),
    ...(result.kubeHunter.length > 0 ? [`kube-hunter ${result.kubeHunter.join(', ')}`] : []),
    ...(result.kubescape.length > 0 ? [`kubescape ${result.kubescape.join(', ')}`] : []),
  ]
  const cisTitles = result.cis.map((item) => `${item.id} ${item.title}`).join('; ')
  return [
    `<article class="check c-${result.status}" id="${anchor('check', result.id)}">`,
    '<div class="check-head">',
    badge(result.status),
    `<h3>${escapeHtml(result.title)}</h3>`,
    `<code class="check-id">${escapeHtml(result.id)}</code>`,
    '</div>',
    `<p class="tags">Severity <strong>${escapeHtml(result.severity)}</strong>${references.length > 0 ? ` · <span title="${escapeHtml(cisTitles)}">${escapeHtml(references.join(' · '))}</span>` : ''} · ${readableDuration(result.durationMs)}</p>`,
    `<p class="summary"><strong>Verdict:</strong> ${escapeHtml(result.summary)}</p>`,
    ...(result.disagreement ? [`<p class="disagreement">${escapeHtml(result.disagreement)}</p>`] : []),
    '<div class="sides">',
    '<div>',
    '<h4>Configuration (what the files say)</h4>',
    evidenceList(result.config.map(configItem), 'No configuration was read for this check.'),
    '</div>',
    '<div>',
    '<h4>On the wire (what an attacker sees)</h4>',
    evidenceList(result.wire.map(wireItem), 'No request was made for this check.'),
    '</div>',
    '</div>',
    ...(result.status === 'pass' || result.status === 'skip' ? [] : [`<p class="fix"><strong>Fix:</strong> ${escapeHtml(result.remediation)}</p>`]),
    '</article>',
  ].join('\n')
}

function evidenceList(items: readonly string[], empty: string): string {
  if (items.length === 0) return `<p class="none">${escapeHtml(empty)}</p>`
  return `<ul class="evidence">${items.map((item) => `<li>${item}</li>`).join('')}</ul>`
}

function configItem(evidence: ConfigEvidence): string {
  const value = evidence.value === undefined ? ' <em>unset</em>' : ` = <code>${escapeHtml(evidence.value)}</code>`
  const where = evidence.file ? ` in <code>${escapeHtml(`${evidence.file}${evidence.line === undefined ? '' : `:${evidence.line}`}`)}</code>` : ''
  return [
    badge(evidence.verdict),
    `<code>${escapeHtml(evidence.setting)}</code>${value}`,
    ` <span class="check-id">(${escapeHtml(evidence.source)})</span>${where}`,
    ...(evidence.note ? [`<span class="note">${escapeHtml(evidence.note)}</span>`] : []),
  ].join('')
}

function wireItem(evidence: WireEvidence): string {
  const answer = [
    ...(evidence.status === undefined ? [] : [`HTTP ${evidence.status}`]),
    ...(evidence.error ? [evidence.error] : []),
  ].join(', ')
  return [
    badge(evidence.verdict),
    `<code>${escapeHtml(evidence.request)}</code>`,
    ` → <strong>${escapeHtml(answer || 'no answer recorded')}</strong>`,
    ...(evidence.tls ? [` <span class="check-id">[${escapeHtml(evidence.tls)}]</span>`] : []),
    ...(evidence.bodyExcerpt ? [`<code class="excerpt">${escapeHtml(evidence.bodyExcerpt)}</code>`] : []),
    ...(evidence.note ? [`<span class="note">${escapeHtml(evidence.note)}</span>`] : []),
  ].join('')
}
