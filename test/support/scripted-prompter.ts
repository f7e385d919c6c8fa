import {ExitPromptError} from '@inquirer/core'
import type {Choice, Prompter} from '../../src/lab/walkthrough/prompter.js'

/**
 * One expected question and its answer. `question` must match the message asked; a select answer
 * names the choice by its label, which must exist and be enabled. `before` runs first (e.g. the
 * learner fixing the lab in another terminal). `ctrl-c` answers as inquirer does on Ctrl-C: it
 * rejects with inquirer's own ExitPromptError.
 */
export type ScriptedAnswer =
  | {question: RegExp; select: RegExp; before?: () => Promise<void>}
  | {question: RegExp; confirm: boolean; before?: () => Promise<void>}
  | {question: RegExp; ctrlC: true}

export interface AskedQuestion {
  kind: 'select' | 'confirm'
  message: string
  /** Select labels, with " [disabled: …]" appended to disabled ones. */
  choices?: string[]
}

/** A Prompter that answers from a script and fails loudly on any question it did not expect. */
export class ScriptedPrompter implements Prompter {
  readonly asked: AskedQuestion[] = []
  private readonly script: ScriptedAnswer[]

  constructor(script: readonly ScriptedAnswer[]) {
    this.script = [...script]
  }

  get remaining(): number {
    return this.script.length
  }

  async select<T>(message: string, choices: ReadonlyArray<Choice<T>>): Promise<T> {
    const labels = choices.map((choice) => (choice.disabled ? `${choice.name} [disabled: ${choice.disabled}]` : choice.name))
    this.asked.push({kind: 'select', message, choices: labels})
    const answer = await this.next(message)
    if (!('select' in answer)) throw new Error(`script expected a confirm for ${answer.question}, but a select was asked: "${message}"`)
    const picked = choices.find((choice) => answer.select.test(choice.name))
    if (!picked) throw new Error(`no choice matching ${answer.select} in "${message}": ${labels.join(' | ')}`)
    if (picked.disabled) throw new Error(`choice "${picked.name}" is disabled (${picked.disabled})`)
    return picked.value
  }

  async confirm(message: string): Promise<boolean> {
    this.asked.push({kind: 'confirm', message})
    const answer = await this.next(message)
    if (!('confirm' in answer)) throw new Error(`script expected a select for ${answer.question}, but a confirm was asked: "${message}"`)
    return answer.confirm
  }

  private async next(message: string): Promise<ScriptedAnswer> {
    const answer = this.script.shift()
    if (!answer) throw new Error(`unexpected question (the script is finished): "${message}"`)
    if (!answer.question.test(message)) throw new Error(`expected a question matching ${answer.question}, got "${message}"`)
    if ('ctrlC' in answer) throw new ExitPromptError('User force closed the prompt with SIGINT')
    await answer.before?.()
    return answer
  }
}
