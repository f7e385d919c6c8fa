/**
 * A lesson as parsed from lessons/<id>.md (the format is described in the lesson-format contract):
 * YAML front matter, an introduction, step sections (a `##` heading whose first block is a ```step fence),
 * and closing sections. Markdown is kept as Markdown source; src/lesson/render turns it into terminal text.
 *
 * Every `line` is 1-based and counts lines of the whole file, front matter included.
 */
export interface Lesson {
  id: string
  title: string
  /** The scenario `kubelab learn` starts for this lesson by default. */
  scenario: string
  /** Kubernetes versions the lesson's facts were checked for (free text, e.g. "1.19–1.34"). */
  kubernetes?: string
  /** The file it was read from, as given to the parser. */
  file: string
  /** Markdown before the first step section: the idea, plus any ordinary `##` sections before the first step. */
  intro: string
  /** In the order of the front matter's `steps`, which is also their order in the file. */
  steps: LessonStep[]
  /** Markdown of the sections after the last step, with their `##` headings ("" when there are none). */
  closing: string
}

/**
 * One step section. An ordinary `##` section between two steps (one without a ```step fence) is read as part of
 * the step before it: its heading and prose go into that step's `markdown` and `blocks`.
 */
export interface LessonStep {
  /** The step id: the scenario step it teaches and `kubelab verify` checks. */
  id: string
  /** The `##` heading as plain text (inline markup removed), e.g. for menus. */
  heading: string
  /** The section's prose as Markdown, without any directive fence (no step, try, fix, hint or quiz blocks). */
  markdown: string
  /**
   * The section in document order, for renderers that show commands where they stood: prose runs (Markdown)
   * and the `try` / `fix` commands between them. Joining the markdown blocks' text with blank lines gives
   * `markdown`. Hints and quizzes are not in here (they are given on request or after the step passes).
   */
  blocks: LessonBlock[]
  /** The body of the ```step fence: the command that verifies the step, e.g. `kubelab verify close-insecure-port`. */
  verify: Command
  /** ```sh try commands: attacks and observations the learner runs against the lab. */
  tries: Command[]
  /** ```sh fix commands: they change the lab, so they are shown and never run automatically. */
  fixes: Command[]
  /** In the order they are given. */
  hints: Hint[]
  quizzes: Quiz[]
  /** Line of the `##` heading. */
  line: number
}

export type LessonBlock = {kind: 'markdown'; text: string} | {kind: 'try' | 'fix'; command: Command}

export interface Command {
  /** One or more shell lines, run by `bash -c` with the variables of `kubelab env`; no trailing newline. */
  script: string
  /** Line of the opening fence. */
  line: number
}

export interface Hint {
  /** Short text; inline Markdown allowed. */
  text: string
  /** Points the hint costs (default DEFAULT_HINT_COST). */
  cost: number
  line: number
}

export interface Quiz {
  question: string
  choices: string[]
  /** 1-based index into `choices`. */
  answer: number
  explain?: string
  line: number
}

export const DEFAULT_HINT_COST = 10
