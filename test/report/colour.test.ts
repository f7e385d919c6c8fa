import {describe, expect, it} from '@jest/globals'
import {colourEnabled} from '../../src/report/colour.js'
import {formatTable} from '../../src/report/table.js'
import {MIXED_REPORT} from './sample-report.js'

describe('colourEnabled', () => {
  it('colours a terminal by default', () => {
    expect(colourEnabled({env: {}, isTTY: true})).toBe(true)
  })

  it('is off under NO_COLOR, even on a terminal and even with FORCE_COLOR', () => {
    expect(colourEnabled({env: {NO_COLOR: '1'}, isTTY: true})).toBe(false)
    expect(colourEnabled({env: {NO_COLOR: 'yes', FORCE_COLOR: '1'}, isTTY: true})).toBe(false)
  })

  it('ignores an empty NO_COLOR, as no-color.org says', () => {
    expect(colourEnabled({env: {NO_COLOR: ''}, isTTY: true})).toBe(true)
  })

  it('is off when stdout is not a terminal, unless FORCE_COLOR asks', () => {
    expect(colourEnabled({env: {}, isTTY: false})).toBe(false)
    expect(colourEnabled({env: {}, isTTY: undefined})).toBe(false)
    expect(colourEnabled({env: {FORCE_COLOR: '1'}, isTTY: false})).toBe(true)
    expect(colourEnabled({env: {FORCE_COLOR: ''}, isTTY: false})).toBe(true)
  })

  it('honours FORCE_COLOR=0 and false on a terminal', () => {
    expect(colourEnabled({env: {FORCE_COLOR: '0'}, isTTY: true})).toBe(false)
    expect(colourEnabled({env: {FORCE_COLOR: 'false'}, isTTY: true})).toBe(false)
  })

  it('is off on a dumb terminal', () => {
    expect(colourEnabled({env: {TERM: 'dumb'}, isTTY: true})).toBe(false)
  })

  it('gives a table without escape codes when NO_COLOR is set', () => {
    const text = formatTable(MIXED_REPORT, {colour: colourEnabled({env: {NO_COLOR: '1', FORCE_COLOR: '3'}, isTTY: true})})
    expect(text).not.toMatch(/\u001b\[/)
  })
})
