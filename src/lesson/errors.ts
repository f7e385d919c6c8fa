import path from 'node:path'

/** One thing wrong in a lesson file. */
export interface LessonProblem {
  /** 1-based line in the file. */
  line: number
  reason: string
}

/** The file as a user would type it: relative to the working folder when it lies below it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file
}

/**
 * A lesson file that breaks the lesson format. The message names file and line, e.g.
 * `lessons/api-server.md:42: unknown directive "hitn" (did you mean "hint"?)`; with several problems, one per line.
 */
export class LessonError extends Error {
  readonly file: string
  /** The first problem's line and reason; all of them are in `problems`, in line order. */
  readonly line: number
  readonly reason: string
  readonly problems: readonly LessonProblem[]

  constructor(file: string, problems: readonly [LessonProblem, ...LessonProblem[]]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line) as [LessonProblem, ...LessonProblem[]]
    const shown = displayPath(file)
    const lines = sorted.map((problem) => `${shown}:${problem.line}: ${problem.reason}`)
    super(lines.length === 1 ? lines[0] : `${lines.length} problems in ${shown}:\n  ${lines.join('\n  ')}`)
    this.name = 'LessonError'
    this.file = file
    this.line = sorted[0].line
    this.reason = sorted[0].reason
    this.problems = sorted
  }
}

/** A lesson id that no file in the lessons folder defines. The message names the known ids, not the folder (a user never chose it). */
export class UnknownLessonError extends Error {
  constructor(
    readonly id: string,
    readonly folder: string,
    readonly knownIds: readonly string[],
    suggestion: string,
  ) {
    super(`no lesson "${id}"${suggestion}; known lessons: ${knownIds.length === 0 ? '(none)' : knownIds.join(', ')}`)
    this.name = 'UnknownLessonError'
  }
}

/** A step asked for by number or id that the lesson does not have. */
export class UnknownLessonStepError extends Error {
  constructor(
    readonly lessonId: string,
    readonly requested: string,
    readonly stepIds: readonly string[],
    suggestion: string,
  ) {
    super(
      stepIds.length === 0
        ? `lesson "${lessonId}" has no steps`
        : `lesson "${lessonId}" has no step "${requested}"${suggestion}; use a number from 1 to ${stepIds.length} or a step id: ${stepIds.join(', ')}`,
    )
    this.name = 'UnknownLessonStepError'
  }
}
