import type {Target} from '../target/types.js'
import {createCheckContext} from './context.js'
import type {CheckDefinition, CheckResult, Component, Status} from './model.js'
import {combineSides} from './verdict.js'

export interface CheckSelection {
  ids?: string[]
  components?: Component[]
}

export interface AuditReport {
  target: {host: string; node?: string; kubeconfig?: string}
  startedAt: string
  durationMs: number
  results: CheckResult[]
  counts: Record<Status, number>
}

export class UnknownCheckError extends Error {
  constructor(
    readonly ids: string[],
    readonly known: string[],
  ) {
    super(`Unknown check id${ids.length > 1 ? 's' : ''}: ${ids.join(', ')}. Known ids: ${known.join(', ')}`)
    this.name = 'UnknownCheckError'
  }
}

export function selectChecks(catalogue: readonly CheckDefinition[], selection: CheckSelection): CheckDefinition[] {
  const known = catalogue.map((check) => check.id)
  const unknown = (selection.ids ?? []).filter((id) => !known.includes(id))
  if (unknown.length > 0) throw new UnknownCheckError(unknown, known)
  return catalogue.filter(
    (check) =>
      (!selection.ids?.length || selection.ids.includes(check.id)) &&
      (!selection.components?.length || selection.components.includes(check.component)),
  )
}

/** Runs every selected check at once; shared reads and probes are made once (see CheckContext). */
export async function runAudit(target: Target, checks: readonly CheckDefinition[]): Promise<AuditReport> {
  const started = Date.now()
  const ctx = createCheckContext(target)
  const results = await Promise.all(checks.map((check) => runCheck(check, ctx))).finally(() => ctx.close())
  const counts: Record<Status, number> = {pass: 0, fail: 0, warn: 0, skip: 0, error: 0}
  for (const result of results) counts[result.status] += 1
  return {
    target: {
      host: target.endpoints.host,
      ...(target.node ? {node: target.node.description} : {}),
      ...(target.credentials ? {kubeconfig: target.credentials.kubeconfigPath} : {}),
    },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    results,
    counts,
  }
}

async function runCheck(check: CheckDefinition, ctx: ReturnType<typeof createCheckContext>): Promise<CheckResult> {
  const started = Date.now()
  const base = {
    id: check.id,
    title: check.title,
    component: check.component,
    severity: check.severity,
    remediation: check.remediation,
    cis: check.cis,
    kubeHunter: check.kubeHunter,
    kubescape: check.kubescape,
  }
  try {
    const outcome = await check.evaluate(ctx)
    const verdict = combineSides(outcome)
    return {...base, ...verdict, config: outcome.config, wire: outcome.wire, durationMs: Date.now() - started}
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return {...base, status: 'error', summary: `The check itself failed: ${message}`, config: [], wire: [], durationMs: Date.now() - started}
  }
}
