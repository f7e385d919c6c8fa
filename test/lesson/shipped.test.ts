import {readdir} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect, it} from '@jest/globals'
import {crossCheckLessons} from '../../src/lesson/cross-check.js'
import {lessonFiles, lessonsDirectory, loadLesson, loadLessons} from '../../src/lesson/load.js'
import {renderLesson, renderStep} from '../../src/lesson/render/lesson.js'
import {loadScenarios} from '../../src/scenario/load.js'
import {PROJECT_ROOT} from '../commands/run-in-process.js'
import {expectNoMarkup, lessonCodeLines, overlongLines} from './markup.js'

/**
 * Every lesson file that ships (lessons/) and every fixture lesson: it parses, renders without Markdown markup at
 * several widths and with colour, and the shipped ones agree with the shipped scenarios.
 */
const SHIPPED = lessonsDirectory()
const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/lessons')

describe('lessonsDirectory', () => {
  it("is the package's lessons/ folder", () => {
    expect(SHIPPED).toBe(path.join(PROJECT_ROOT, 'lessons'))
  })
})

describe.each([
  ['lessons/', SHIPPED],
  ['test/fixtures/lessons/', FIXTURES],
])('every lesson in %s', (_name, folder) => {
  it('is listed (all *.md but a README)', async () => {
    const names = (await readdir(folder)).filter((name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md')
    expect((await lessonFiles(folder)).map((file) => path.basename(file))).toEqual(names.sort())
  })

  it('parses, and renders whole and step by step with no Markdown left, within the width', async () => {
    const files = await lessonFiles(folder)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const lesson = await loadLesson(file)
      for (const width of [40, 80, 100]) {
        const text = renderLesson(lesson, {width, colour: false})
        expectNoMarkup(text)
        expect({file, width, overlong: overlongLines(text, width, lessonCodeLines(lesson))}).toEqual({file, width, overlong: []})
      }
      expect(renderLesson(lesson, {width: 80, colour: true})).toContain('\u001b[')
      lesson.steps.forEach((step, index) => {
        const text = renderStep(step, {width: 80, colour: false, position: {number: index + 1, total: lesson.steps.length}})
        expectNoMarkup(text)
        expect(text).toContain(step.verify.script)
        for (const command of [...step.tries, ...step.fixes]) expect(text).toContain(command.script.split('\n')[0])
      })
    }
  })
})

describe('lessons/ and scenarios/', () => {
  it('agree: scenarios exist, every scenario step is taught by its lesson, every lesson step is in a scenario of that lesson', async () => {
    const lessons = await loadLessons(SHIPPED)
    const scenarios = (await loadScenarios(path.join(PROJECT_ROOT, 'scenarios'))).map((scenario) => ({
      id: scenario.id,
      lesson: scenario.lesson,
      steps: scenario.steps.map((step) => step.id),
    }))
    expect(crossCheckLessons(lessons, scenarios)).toEqual([])
  })
})
