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
import {formatProgressHtml} from '../report/html/progress.js'
import {formatProgressJunit} from '../report/progress-junit.js'
import {ReportFileError, writeReportFile} from '../report/write-file.js'

export default class Progress extends Command {
  static override summary = "Show a lab's progress: each step's status, hints, verify runs, time taken, and the score."

  static override description = `Reads the lab's progress (labs/<name>/progress.json, written by \`learn\`, \`verify\`, \`hint\` and
\`solve\`): per step whether it passed, was solved with the reference solution or is still to do, the
hints taken and their cost, the verify runs, the quizzes, and the time from first sight to pass.`

  static override examples = [
    '<%= config.bin %> progress',
    '<%= config.bin %> progress --lab second-lab --json',
    '<%= config.bin %> progress --html progress.html --junit progress.xml',
  ]

  static override flags = {
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
    json: Flags.boolean({description: 'Print the progress as JSON.'}),
    junit: Flags.string({description: 'Also write JUnit XML: one test case per step (not done = failure).', helpValue: 'FILE', helpGroup: 'OUTPUT'}),
    html: Flags.string({description: 'Also write a self-contained HTML page of the progress.', helpValue: 'FILE', helpGroup: 'OUTPUT'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Progress)
    const lab = await resolveLab(flags.lab, kubelabHome())
    const scenario = await loadLabScenario(lab)
    const view = progressView(scenario, await readProgress(lab), await factsOf(scenario.lesson))
    if (flags.junit) await writeReportFile('--junit', flags.junit, formatProgressJunit(view))
    if (flags.html) await writeReportFile('--html', flags.html, formatProgressHtml(view, {kubelabVersion: this.config.version}))
    if (flags.json) this.log(JSON.stringify(view, null, 2))
    else this.log(formatProgress(view, {colour: colourEnabled({env: process.env, isTTY: process.stdout.isTTY})}).trimEnd())
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (error instanceof ReportFileError) {
      this.logToStderr(`Error: ${error.message}`)
      this.exit(2)
    }
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
