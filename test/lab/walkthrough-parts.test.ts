import {PassThrough} from 'node:stream'
import {describe, expect, it} from '@jest/globals'
import {inquirerPrompter, isPromptInterruption} from '../../src/lab/walkthrough/prompter.js'
import {capOutput} from '../../src/lab/walkthrough/run-command.js'
import {wrapLine, wrapText} from '../../src/lab/walkthrough/wrap.js'

describe('inquirerPrompter', () => {
  /** The terminal side of a prompt: keys typed into `input`, the rendered prompt read from `output`. */
  function terminal(): {input: PassThrough; output: PassThrough; screen: () => string} {
    const input = new PassThrough()
    const output = new PassThrough()
    const chunks: string[] = []
    output.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')))
    return {input, output, screen: () => chunks.join('')}
  }

  it('asks a select through the given streams and returns the value of the choice picked with the arrow keys', async () => {
    const {input, output, screen} = terminal()
    const prompter = inquirerPrompter({input, output})
    const answer = prompter.select('Step 1 of 5: what next?', [
      {value: 'verify', name: 'Verify my fix'},
      {value: 'hint', name: 'Show a hint (−10 points, 2 left)'},
      {value: 'none', name: 'Show a hint', disabled: '(no hints left)'},
    ])
    await new Promise((resolve) => setImmediate(resolve))
    input.write('\u001b[B') // arrow down
    input.write('\r')
    await expect(answer).resolves.toBe('hint')
    expect(screen()).toContain('Show a hint (−10 points, 2 left)')
  })

  it('rejects with an error the walkthrough recognises as Ctrl-C', async () => {
    const {input, output} = terminal()
    const answer = inquirerPrompter({input, output}).confirm('Run it now?')
    await new Promise((resolve) => setImmediate(resolve))
    input.write('\u0003')
    const error = await answer.catch((caught: unknown) => caught)
    expect((error as Error).name).toBe('ExitPromptError')
    expect(isPromptInterruption(error)).toBe(true)
    expect(isPromptInterruption(new Error('other'))).toBe(false)
  })
})

describe('wrapLine', () => {
  it('breaks at spaces within the width, with the continuation indent, and keeps over-long words whole', () => {
    expect(wrapLine('  one two three four', 12, '    ')).toEqual(['  one two', '    three', '    four'])
    expect(wrapLine('short', 12)).toEqual(['short'])
    expect(wrapLine('a https://example.com/a/very/long/path b', 10)).toEqual(['a', 'https://example.com/a/very/long/path', 'b'])
    expect(wrapLine('no width given at all', undefined)).toEqual(['no width given at all'])
  })

  it('measures coloured text by what is visible', () => {
    const red = (text: string): string => `\u001b[31m${text}\u001b[39m`
    expect(wrapLine(`${red('alpha')} beta gamma`, 10)).toEqual([`${red('alpha')} beta`, 'gamma'])
    expect(wrapText('first line here\n  second line here', 11)).toBe('first line\nhere\n  second\n  line here')
  })
})

describe('capOutput', () => {
  it('keeps the first lines, counts the rest, and shows control characters instead of obeying them', () => {
    const text = ['a', 'b\u001b[2Jc', 'd\r', 'e'].join('\n')
    expect(capOutput(text, 3)).toEqual({output: 'a\nb\\x1b[2Jc\nd', omittedLines: 1})
    expect(capOutput('', 3)).toEqual({output: '', omittedLines: 0})
  })
})

describe('wrapLine spacing', () => {
  it('keeps the spacing inside a line that wraps', () => {
    expect(wrapLine('  [  1.5 s] started the kubelet', 20, '  ')).toEqual(['  [  1.5 s] started', '  the kubelet'])
  })
})
