import type {ChalkInstance} from 'chalk'
import {paint} from '../../report/colour.js'
import type {CommandRun} from './run-command.js'
import {wrapText} from './wrap.js'

/** Where the walkthrough writes, and how: the terminal's width (capped for reading) and colour. */
export interface ScreenOptions {
  write: (text: string) => void
  width: number
  colour: boolean
  renderMarkdown: (markdown: string, options: {width: number; colour: boolean}) => string
}

export const MAX_READING_WIDTH = 100

/** The walkthrough's output: prose, commands and their output, diffs — never raw Markdown. */
export class Screen {
  readonly style: ChalkInstance
  readonly width: number

  constructor(private readonly options: ScreenOptions) {
    this.style = paint(options.colour)
    this.width = Math.max(40, Math.min(options.width, MAX_READING_WIDTH))
  }

  get colour(): boolean {
    return this.options.colour
  }

  /** A line of the walkthrough's own text, word-wrapped to the reading width. */
  line(text = ''): void {
    this.options.write(`${wrapText(text, this.width)}\n`)
  }

  /** A line kept whole: commands and their output, where a wrap would change what they say. */
  rawLine(text: string): void {
    this.options.write(`${text}\n`)
  }

  text(block: string): void {
    this.options.write(block.endsWith('\n') ? block : `${block}\n`)
  }

  markdown(markdown: string): void {
    if (markdown.trim() === '') return
    this.text(this.options.renderMarkdown(markdown, {width: this.width, colour: this.options.colour}))
  }

  heading(text: string): void {
    const rule = '━'.repeat(Math.max(3, this.width - text.length - 5))
    this.line()
    this.line(this.style.bold(`━━ ${text} ${rule}`))
    this.line()
  }

  /** A lesson command as the learner would type it. */
  command(script: string, label: string): void {
    this.line(this.style.dim(`  ${label}:`))
    for (const line of script.split('\n')) this.rawLine(`  ${this.style.cyan('$')} ${this.style.bold(line)}`)
  }

  commandOutput(run: CommandRun, timeoutMs: number): void {
    for (const line of run.output === '' ? [] : run.output.split('\n')) this.rawLine(`  ${this.style.dim('│')} ${line}`)
    if (run.omittedLines > 0) this.line(`  ${this.style.dim('│')} ${this.style.dim(`… ${run.omittedLines} more line${run.omittedLines === 1 ? '' : 's'} not shown`)}`)
    const ending = run.timedOut
      ? this.style.yellow(`stopped after ${Math.round(timeoutMs / 1000)} s (time limit)`)
      : run.exitCode === 0
        ? `exit 0`
        : this.style.yellow(`exit ${run.exitCode ?? 'unknown'}`)
    this.line(`  ${this.style.dim('└')} ${ending} ${this.style.dim(`in ${run.durationMs} ms`)}`)
  }
}
