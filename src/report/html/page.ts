import {escapeHtml} from './escape.js'
import {REPORT_CSS} from './styles.js'

/** The statuses a badge can show: a check's status, or one side's verdict. */
export type BadgeStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip' | 'unknown'

/** Word and symbol for each status, so that it reads without colour (and in print, and to a screen reader). */
const BADGE_TEXT: Readonly<Record<BadgeStatus, string>> = {
  pass: '✔ PASS',
  fail: '✘ FAIL',
  warn: '! WARN',
  error: '? ERROR',
  skip: '– SKIP',
  unknown: '· UNKNOWN',
}

export function badge(status: BadgeStatus, text: string = BADGE_TEXT[status]): string {
  return `<span class="badge st-${status}">${escapeHtml(text)}</span>`
}

export interface PageFact {
  label: string
  value: string
}

export interface PageNotice {
  status: BadgeStatus
  text: string
}

export interface PageOptions {
  /** The document title and the page's heading. */
  title: string
  /** ISO 8601. */
  generatedAt: string
  kubelabVersion: string
  /** What was looked at: scenario, lab, target, script… */
  facts?: readonly PageFact[]
  /** The one-line answer at the top. */
  headline?: PageNotice
  /** Further things to know before the details (the script failed, the lab was kept…). */
  notices?: readonly PageNotice[]
}

/**
 * A complete, self-contained HTML5 document: inline CSS, no script, no external resource of any
 * kind, so it renders the same offline, from a CI artefact, or printed. Every text that reaches it
 * is escaped here or by the caller with escapeHtml.
 */
export function htmlPage(options: PageOptions, body: readonly string[]): string {
  const facts = options.facts ?? []
  const lines = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network at all, even if someone adds an image or stylesheet later.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<meta name="generator" content="kubelab ${escapeHtml(options.kubelabVersion)}">`,
    `<title>${escapeHtml(options.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header>',
    `<h1>${escapeHtml(options.title)}</h1>`,
    `<p class="meta">Generated ${escapeHtml(readableTime(options.generatedAt))} by kubelab ${escapeHtml(options.kubelabVersion)}</p>`,
    ...(facts.length > 0
      ? ['<dl class="facts">', ...facts.map((fact) => `<dt>${escapeHtml(fact.label)}</dt><dd>${escapeHtml(fact.value)}</dd>`), '</dl>']
      : []),
    ...(options.headline ? [`<p class="headline st-${options.headline.status}">${escapeHtml(options.headline.text)}</p>`] : []),
    ...(options.notices ?? []).map((notice) => `<p class="notice st-${notice.status}">${badge(notice.status)} ${escapeHtml(notice.text)}</p>`),
    '</header>',
    ...body,
    `<footer>kubelab ${escapeHtml(options.kubelabVersion)} · ${escapeHtml(readableTime(options.generatedAt))}</footer>`,
    '</main>',
    '</body>',
    '</html>',
  ]
  return lines.join('\n') + '\n'
}

/** 2026-05-01T10:00:00.000Z → "2026-05-01 10:00:00 UTC"; anything unparsable is shown as it is. */
export function readableTime(iso: string): string {
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return iso
  return `${new Date(time).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`
}

/** "1.2 s", "340 ms", "3 min 05 s" */
export function readableDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`
  const seconds = milliseconds / 1000
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}
