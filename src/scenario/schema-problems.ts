import type {Document, LineCounter} from 'yaml'
import type {z} from 'zod'
import type {ScenarioProblem} from './errors.js'
import {allowedKeysAt} from './schema-keys.js'
import {didYouMean} from './suggest.js'
import {formatPath, positionOf} from './yaml-position.js'

/** A schema issue of a YAML file (scenario or solution) as problems placed on the field's line, with did-you-mean for unknown fields. */
export function schemaProblems(schema: z.ZodType, issue: z.core.$ZodIssue, document: Document, lineCounter: LineCounter): ScenarioProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(schema, issue.path) ?? []
    return issue.keys.map((key) => locatedProblem([...issue.path, key], `unknown field "${key}"${didYouMean(key, allowed)}`, document, lineCounter))
  }
  if (issue.code === 'invalid_key') {
    const key = String(issue.path[issue.path.length - 1] ?? '')
    const reasons = issue.issues.map((inner) => inner.message).join('; ')
    return [locatedProblem(issue.path, `invalid name "${key}": ${reasons}`, document, lineCounter)]
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator !== undefined) {
    const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String) : []
    return [locatedProblem(issue.path, `${issue.discriminator} must be one of ${options.join(', ')}`, document, lineCounter)]
  }
  return [locatedProblem(issue.path, issue.message, document, lineCounter)]
}

/** A problem at a field of the document, with the field's line and column when the field is there. */
export function locatedProblem(issuePath: ReadonlyArray<PropertyKey>, message: string, document: Document, lineCounter: LineCounter): ScenarioProblem {
  const problem: ScenarioProblem = {path: formatPath(issuePath), message}
  const position = positionOf(document, lineCounter, issuePath)
  if (position) {
    problem.line = position.line
    problem.column = position.column
  }
  return problem
}

/** Orders problems as they appear in the file. */
export function byPosition(a: ScenarioProblem, b: ScenarioProblem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)
}
