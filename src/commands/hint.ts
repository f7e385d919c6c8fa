import {Args, Command, Flags} from '@oclif/core'
import {findLesson} from '../lesson/load.js'
import {renderMarkdown} from '../lesson/render/markdown.js'
import {readableWidth} from '../lesson/render/options.js'
import {kubelabHome} from '../lab/home.js'
import {readProgress} from '../lab/progress.js'
import {exitOnLearnerError} from '../lab/progress-errors.js'
import {hintStatuses, takeNextHint} from '../lab/progress-hints.js'
import {SCORE_RULES_TEXT} from '../lab/progress-score.js'
import {loadLabScenario, resolveStep} from '../lab/progress-steps.js'
import {resolveLab} from '../lab/registry.js'
import {lessonStepFor} from '../lab/walkthrough/lesson-steps.js'
import {colourEnabled} from '../report/colour.js'

export default class Hint extends Command {
  static override summary = "Show the next hint for a step; it costs points, and the cost is recorded."

  static override description = `Shows the next hint of STEP not taken yet (an id, or its number; default: the current step) and
records its cost in the lab's progress: a passed step is worth 100 points minus the hints taken for it.
Taking a hint again costs nothing more. --list shows how many hints a step has and what each costs,
without showing them.`

  static override examples = ['<%= config.bin %> hint', '<%= config.bin %> hint --list', '<%= config.bin %> hint lock-the-kubelet --lab second-lab']

  static override args = {
    step: Args.string({description: 'Step id or 1-based number (default: the first step not done).'}),
  }

  static override flags = {
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
    list: Flags.boolean({description: 'List the hints of the step and their costs without showing any.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Hint)
    const lab = await resolveLab(flags.lab, kubelabHome())
    const scenario = await loadLabScenario(lab)
    const {step, number} = resolveStep(scenario, args.step, await readProgress(lab))
    const lessonStep = lessonStepFor(await findLesson(scenario.lesson), step.id)
    const about = `step ${number} (${step.id})`

    if (flags.list) {
      const hints = await hintStatuses(lab, step.id, lessonStep.hints)
      if (hints.length === 0) {
        this.log(`${capitalise(about)} has no hints.`)
        return
      }
      this.log(`${capitalise(about)} has ${hints.length} hint${hints.length === 1 ? '' : 's'}:`)
      for (const hint of hints) this.log(`  ${hint.number}. costs ${hint.cost} points${hint.taken ? ' (taken)' : ''}`)
      this.log(SCORE_RULES_TEXT)
      return
    }

    const hint = await takeNextHint(lab, step.id, lessonStep.hints)
    if (!hint) {
      this.log(lessonStep.hints.length === 0 ? `${capitalise(about)} has no hints.` : `No hints left for ${about}: all ${lessonStep.hints.length} are taken.`)
      return
    }
    const colour = colourEnabled({env: process.env, isTTY: process.stdout.isTTY})
    this.log(`Hint ${hint.number} of ${hint.total} for ${about} — costs ${hint.cost} points (recorded; ${hint.left} left):`)
    this.log(renderMarkdown(hint.text, {width: readableWidth(process.stdout.columns), colour}))
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnLearnerError(error, this)
    return super.catch(error)
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
