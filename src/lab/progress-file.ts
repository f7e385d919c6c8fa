import {existsSync} from 'node:fs'
import {copyFile, readFile, rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {z} from 'zod'
import {LabError} from './errors.js'

export const PROGRESS_FILE = 'progress.json'

export const STEP_STATUSES = ['not-started', 'passed', 'solved-with-solution'] as const
export type StepStatus = (typeof STEP_STATUSES)[number]

const timestamp = z.iso.datetime()
const count = z.number().int().min(0)

const hintTakenSchema = z.object({
  /** 0-based, in the order the lesson gives the step's hints. */
  index: count,
  cost: count,
  at: timestamp,
})

const quizAnswerSchema = z.object({
  /** 0-based, in the order the lesson asks the step's quizzes. */
  index: count,
  /** 1-based, as the lesson numbers the choices. */
  choice: z.number().int().min(1),
  correct: z.boolean(),
  at: timestamp,
})

const stepProgressSchema = z.object({
  status: z.enum(STEP_STATUSES),
  /** Runs of the step's checks (`verify`, or Verify in `learn`). */
  attempts: count,
  hints: z.array(hintTakenSchema),
  quizzes: z.array(quizAnswerSchema),
  /** Set once the reference solution was applied; the step then scores 0 however it passes later. */
  solutionUsed: z.boolean(),
  startedAt: timestamp.optional(),
  finishedAt: timestamp.optional(),
  lastVerify: z.object({at: timestamp, passed: z.boolean()}).optional(),
})

/** labs/<name>/progress.json: what the learner has done in this lab, step by step. */
export const progressSchema = z.object({
  version: z.literal(1),
  lab: z.string(),
  scenario: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  /** By step id; a step without an entry has not been started. */
  steps: z.record(z.string(), stepProgressSchema),
})

export type Progress = z.infer<typeof progressSchema>
export type StepProgress = z.infer<typeof stepProgressSchema>
export type HintTaken = z.infer<typeof hintTakenSchema>
export type QuizAnswer = z.infer<typeof quizAnswerSchema>

/** progress.json exists but cannot be used; it is left exactly as it is. */
export class ProgressFileError extends LabError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    const backup = backupFile(file)
    super(
      `${file}: ${reason}. kubelab left it untouched. Repair it, or move it away to start this lab's progress afresh` +
        (existsSync(backup) ? ` (the version before the last change is in ${backup}).` : '.'),
    )
    this.name = 'ProgressFileError'
  }
}

export function progressFile(labDir: string): string {
  return path.join(labDir, PROGRESS_FILE)
}

export function backupFile(file: string): string {
  return `${file}.bak`
}

export function emptyProgress(labName: string, scenarioId: string, now: Date): Progress {
  const at = now.toISOString()
  return {version: 1, lab: labName, scenario: scenarioId, createdAt: at, updatedAt: at, steps: {}}
}

/** The progress on disk, or undefined when there is none yet. Anything unreadable is a ProgressFileError. */
export async function readProgressFile(file: string): Promise<Progress | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ProgressFileError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new ProgressFileError(file, `it is not valid JSON (${(error as Error).message})`)
  }
  const result = progressSchema.safeParse(parsed)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new ProgressFileError(file, `${issue?.path.join('.') || 'the document'}: ${issue?.message ?? 'invalid'}`)
  }
  return result.data
}

/**
 * Keeps the current file as progress.json.bak, then writes a temp file and renames it over
 * progress.json, so a reader (or a crash) never meets half a file.
 */
export async function writeProgressFile(file: string, progress: Progress): Promise<void> {
  const text = `${JSON.stringify(progressSchema.parse(progress), null, 2)}\n`
  if (existsSync(file)) await copyFile(file, backupFile(file))
  const temporary = `${file}.${process.pid}.tmp`
  try {
    await writeFile(temporary, text)
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, {force: true})
    throw error
  }
}
