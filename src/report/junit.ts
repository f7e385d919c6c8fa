import {XMLBuilder} from 'fast-xml-parser'
import type {AuditReport} from '../checks/evaluate.js'
import {COMPONENTS, type CheckResult, type Component} from '../checks/model.js'
import {describeCis, evidenceLines} from './evidence.js'
import {countsAsFailure, type FailOn} from './outcome.js'

export interface JunitOptions {
  failOn: FailOn
}

type XmlNode = Record<string, unknown>

/**
 * JUnit XML as CI servers read it (Jenkins, GitLab, GitHub test reporters): one <testsuite> per component,
 * one <testcase> per check. A warning is a <failure> only under --fail-on warn; otherwise it is noted in <system-out>.
 */
export function formatJunit(report: AuditReport, options: JunitOptions): string {
  const suites = COMPONENTS.map((component) => ({component, results: report.results.filter((result) => result.component === component)}))
    .filter((group) => group.results.length > 0)
    .map((group) => testsuite(group.component, group.results, report.startedAt, options))
  const totals = tally(report.results, options)
  const document = {
    '?xml': {'@_version': '1.0', '@_encoding': 'UTF-8'},
    testsuites: {
      '@_name': 'kubelab audit',
      '@_tests': totals.tests,
      '@_failures': totals.failures,
      '@_errors': totals.errors,
      '@_skipped': totals.skipped,
      '@_time': seconds(report.durationMs),
      '@_timestamp': report.startedAt,
      testsuite: suites,
    },
  }
  const builder = new XMLBuilder({ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true})
  return builder.build(document)
}

function testsuite(component: Component, results: CheckResult[], startedAt: string, options: JunitOptions): XmlNode {
  const totals = tally(results, options)
  return {
    '@_name': component,
    '@_tests': totals.tests,
    '@_failures': totals.failures,
    '@_errors': totals.errors,
    '@_skipped': totals.skipped,
    '@_time': seconds(results.reduce((sum, result) => sum + result.durationMs, 0)),
    '@_timestamp': startedAt,
    testcase: results.map((result) => testcase(result, options)),
  }
}

function testcase(result: CheckResult, options: JunitOptions): XmlNode {
  const node: XmlNode = {
    '@_classname': result.component,
    '@_name': xmlSafe(`${result.id} – ${result.title}`),
    '@_time': seconds(result.durationMs),
  }
  const message = xmlSafe(result.summary)
  if (countsAsFailure(result.status, options.failOn)) {
    node.failure = {'@_message': message, '@_type': result.status, '#text': xmlSafe(body(result))}
  } else if (result.status === 'error') {
    node.error = {'@_message': message, '@_type': 'error', '#text': xmlSafe(body(result))}
  } else if (result.status === 'skip') {
    node.skipped = {'@_message': message}
  } else if (result.status === 'warn') {
    node['system-out'] = xmlSafe(`WARN: ${body(result)}`)
  }
  return node
}

function body(result: CheckResult): string {
  const lines = [result.summary]
  if (result.disagreement) lines.push(result.disagreement)
  lines.push(...evidenceLines(result))
  if (result.status !== 'error') lines.push(`remediation: ${result.remediation}`)
  if (result.cis.length > 0) lines.push(`CIS: ${result.cis.map(describeCis).join(', ')}`)
  return lines.join('\n')
}

function tally(results: readonly CheckResult[], options: JunitOptions): {tests: number; failures: number; errors: number; skipped: number} {
  return {
    tests: results.length,
    failures: results.filter((result) => countsAsFailure(result.status, options.failOn)).length,
    errors: results.filter((result) => result.status === 'error').length,
    skipped: results.filter((result) => result.status === 'skip').length,
  }
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(3)
}

/**
 * XML 1.0 cannot carry most control characters even escaped, and a probe may have recorded a garbage answer;
 * the builder escapes markup (&, <, >, quotes) but leaves these, so they are replaced here.
 */
function xmlSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}
