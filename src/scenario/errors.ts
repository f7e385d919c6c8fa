/** One thing wrong in a scenario file, placed as precisely as the YAML allows. */
export interface ScenarioProblem {
  /** e.g. "steps[2].checks[0]"; "" for the whole document. */
  path: string
  /** 1-based; absent when the file could not be read at all. */
  line?: number
  column?: number
  message: string
}

function where(file: string, problem: ScenarioProblem): string {
  const position = problem.line === undefined ? '' : `:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`
  const path = problem.path === '' ? '' : ` ${problem.path}:`
  return `${file}${position}${path} ${problem.message}`
}

/** A scenario file that cannot be used; names the file, the field and its line. */
export class ScenarioError extends Error {
  readonly file: string
  readonly path: string
  readonly line: number | undefined
  readonly column: number | undefined
  /** Every problem found, the first one also in file/path/line. */
  readonly problems: readonly ScenarioProblem[]

  constructor(file: string, problems: readonly [ScenarioProblem, ...ScenarioProblem[]]) {
    const [first] = problems
    const lines = problems.map((problem) => where(file, problem))
    super(lines.length === 1 ? (lines[0] as string) : `${problems.length} problems in ${file}:\n  ${lines.join('\n  ')}`)
    this.name = 'ScenarioError'
    this.file = file
    this.path = first.path
    this.line = first.line
    this.column = first.column
    this.problems = problems
  }
}

/** A scenario id that no file in the folder defines. */
export class UnknownScenarioError extends Error {
  constructor(
    readonly id: string,
    readonly folder: string,
    readonly knownIds: readonly string[],
    suggestion: string,
  ) {
    super(
      `no scenario "${id}" in ${folder}${suggestion}; known scenarios: ${knownIds.length === 0 ? '(none)' : knownIds.join(', ')}`,
    )
    this.name = 'UnknownScenarioError'
  }
}
