import {Command, Flags} from '@oclif/core'
import {UnknownLessonError} from '../lesson/errors.js'
import {findLesson} from '../lesson/load.js'
import {kubelabHome} from '../lab/home.js'
import {readProgress} from '../lab/progress.js'
import {exitOnLearnerError} from '../lab/progress-errors.js'
import {loadLabScenario} from '../lab/progress-steps.js'
import {formatProgress, progressView, type StepLessonFacts} from '../lab/progress-text.js'
import {resolveLab} from '../lab/registry.js'
import {lessonFacts} from '../lab/walkthrough/lesson-steps.js'
import {colourEnabled} from '../report/colour.js'

export default class Progress extends Command {
  static override summary = "Show a lab's progress: each step's status, hints, verify runs, time taken, and the score."

  static override description = `Reads the lab's progress (labs/<name>/progress.json, written by \`learn\`, \`verify\`, \`hint\` and
\`solve\`): per step whether it passed, was solved with the reference solution or is still to do, the
hints taken and their cost, the verify runs, the quizzes, and the time from first sight to pass.`

  static override examples = ['<%= config.bin %> progress', '<%= config.bin %> progress --lab second-lab --json']

  static override flags = {
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
    json: Flags.boolean({description: 'Print the progress as JSON.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Progress)
    const lab = await resolveLab(flags.lab, kubelabHome())
    const scenario = await loadLabScenario(lab)
    const view = progressView(scenario, await readProgress(lab), await factsOf(scenario.lesson))
    if (flags.json) this.log(JSON.stringify(view, null, 2))
    else this.log(formatProgress(view, {colour: colourEnabled({env: process.env, isTTY: process.stdout.isTTY})}).trimEnd())
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnLearnerError(error, this)
    return super.catch(error)
  }
}

/** Hint and quiz counts for the score's maximum; a scenario without a lesson is still shown, without them. */
async function factsOf(lessonId: string): Promise<Record<string, StepLessonFacts>> {
  try {
    return lessonFacts(await findLesson(lessonId))
  } catch (error) {
    if (error instanceof UnknownLessonError) return {}
    throw error
  }
}
