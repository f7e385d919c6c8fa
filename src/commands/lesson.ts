import path from 'node:path'
import {Args, Command, Flags} from '@oclif/core'
import {LessonError, UnknownLessonError, UnknownLessonStepError} from '../lesson/errors.js'
import {findLesson, lessonsDirectory, loadLesson, loadLessons} from '../lesson/load.js'
import {readableWidth, type RenderOptions} from '../lesson/render/options.js'
import {renderLesson, renderStep} from '../lesson/render/lesson.js'
import {formatLessonList} from '../lesson/render/list.js'
import {selectStep} from '../lesson/select.js'
import {colourEnabled} from '../report/colour.js'
import {ExitCode} from '../report/outcome.js'

/** A request that cannot be served as asked (a flag without what it needs). */
class LessonUsageError extends Error {}

/** A lesson file that breaks the format: the request was fine, the lesson cannot be shown. */
const BROKEN_LESSON_EXIT = 1

export default class Lesson extends Command {
  static override summary = 'Read a lesson in the terminal, whole or one step at a time.'

  static override description = [
    'Without ID, lists the lessons. With ID, prints the lesson: its idea, each step with the commands to try against the lab, the fix and the command that verifies it. Hints are not shown (they cost points: see `kubelab hint`).',
    'ID may also be the path of a lesson file (it has a "/" or ends in .md), to preview a lesson being written.',
    'Colour is used on a terminal unless NO_COLOR is set; text is wrapped to the terminal width (80 when not a terminal, at most 100).',
    'Exit status: 0 when the lesson was printed, 1 when a lesson file is broken (the error names its file and line), 2 for an unknown lesson or step.',
  ].join('\n\n')

  static override examples = [
    '<%= config.bin %> lesson',
    '<%= config.bin %> lesson api-server',
    '<%= config.bin %> lesson api-server --step 2',
    '<%= config.bin %> lesson api-server --step close-insecure-port --plain',
    '<%= config.bin %> lesson ./lessons/draft.md',
  ]

  static override args = {
    id: Args.string({description: 'Lesson id, or the path of a lesson file (default: list the lessons).'}),
  }

  static override flags = {
    step: Flags.string({char: 's', description: 'Show only this step: its number (1 is the first) or its id.', helpValue: 'N'}),
    plain: Flags.boolean({description: 'Plain text: no colour, ASCII bullets, rules and table borders.'}),
    color: Flags.boolean({allowNo: true, description: 'Colour on or off (default: on a terminal, off under NO_COLOR or when piped).'}),
    width: Flags.integer({description: "Wrap at this many columns (default: the terminal's width, at most 100).", min: 20}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Lesson)
    const options: RenderOptions = {
      width: flags.width ?? readableWidth(process.stdout.isTTY ? process.stdout.columns : undefined),
      colour: !flags.plain && (flags.color ?? colourEnabled({env: process.env, isTTY: process.stdout.isTTY})),
      ascii: flags.plain,
    }

    if (args.id === undefined) {
      if (flags.step !== undefined) throw new LessonUsageError('--step needs a lesson: kubelab lesson ID --step N')
      const folder = lessonsDirectory()
      this.log(formatLessonList(await loadLessons(folder), folder, options))
      return
    }

    const lesson = isPath(args.id) ? await loadLesson(path.resolve(args.id)) : await findLesson(args.id)
    if (flags.step === undefined) {
      this.log(renderLesson(lesson, options))
      return
    }
    const {step, number} = selectStep(lesson, flags.step)
    this.log(renderStep(step, {...options, position: {number, total: lesson.steps.length}}))
  }

  /** Mistakes in the request (exit 2) and broken lesson files (exit 1) get their message, without a stack. */
  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (error instanceof UnknownLessonError || error instanceof UnknownLessonStepError || error instanceof LessonUsageError) {
      this.logToStderr(`Error: ${error.message}`)
      this.exit(ExitCode.usage)
    }
    if (error instanceof LessonError) {
      this.logToStderr(`Error: ${error.message}`)
      this.exit(BROKEN_LESSON_EXIT)
    }
    return super.catch(error)
  }
}

function isPath(argument: string): boolean {
  return argument.includes('/') || argument.endsWith('.md')
}
