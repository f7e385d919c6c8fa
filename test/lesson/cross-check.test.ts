import {describe, expect, it} from '@jest/globals'
import {crossCheckLessons, type ScenarioOutline} from '../../src/lesson/cross-check.js'
import {parseLesson} from '../../src/lesson/parse.js'

function lesson(id: string, scenario: string, steps: string[]) {
  const sections = steps.map((step) => `## ${step}\n\n\`\`\`step ${step}\nkubelab verify ${step}\n\`\`\`\n\nProse.\n`).join('\n')
  return parseLesson(`---\nid: ${id}\ntitle: ${id}\nscenario: ${scenario}\nsteps: [${steps.join(', ')}]\n---\n\nIntro.\n\n${sections}`, `lessons/${id}.md`)
}

const SCENARIOS: ScenarioOutline[] = [
  {id: 'insecure-port', lesson: 'api-server', steps: ['close-insecure-port']},
  {id: 'anonymous-api', lesson: 'api-server', steps: ['remove-anonymous-grant', 'disable-anonymous-auth']},
  {id: 'all-open', lesson: 'defense-in-depth', steps: ['close-insecure-port']},
]
const API_SERVER = lesson('api-server', 'insecure-port', ['close-insecure-port', 'remove-anonymous-grant', 'disable-anonymous-auth'])
const DEFENSE = lesson('defense-in-depth', 'all-open', ['close-insecure-port'])

describe('crossCheckLessons', () => {
  it('finds nothing when every scenario step is taught by its lesson and every lesson step has a scenario', () => {
    expect(crossCheckLessons([API_SERVER, DEFENSE], SCENARIOS)).toEqual([])
  })

  it('names a lesson whose scenario does not exist', () => {
    const broken = lesson('defense-in-depth', 'all-closed', ['close-insecure-port'])
    expect(crossCheckLessons([API_SERVER, broken], SCENARIOS)).toEqual([
      'lesson "defense-in-depth" (lessons/defense-in-depth.md): scenario "all-closed" does not exist (scenarios: insecure-port, anonymous-api, all-open)',
    ])
  })

  it('names a lesson whose scenario belongs to another lesson', () => {
    const borrowed = lesson('defense-in-depth', 'insecure-port', ['close-insecure-port'])
    expect(crossCheckLessons([API_SERVER, borrowed], SCENARIOS)).toEqual([
      expect.stringContaining('its scenario "insecure-port" belongs to lesson "api-server"'),
    ])
  })

  it('lets a lesson without steps start any scenario', () => {
    const ideas = lesson('attack-surface', 'all-open', [])
    expect(crossCheckLessons([API_SERVER, DEFENSE, ideas], SCENARIOS)).toEqual([])
  })

  it('names each scenario step its lesson does not teach', () => {
    const partial = lesson('api-server', 'insecure-port', ['close-insecure-port', 'remove-anonymous-grant'])
    expect(crossCheckLessons([partial, DEFENSE], SCENARIOS)).toEqual([
      'scenario "anonymous-api": step "disable-anonymous-auth" is not taught by its lesson "api-server" (lessons/api-server.md)',
    ])
  })

  it('names a lesson step that no scenario of that lesson has, even when another lesson\'s scenario has it', () => {
    const extra = lesson('defense-in-depth', 'all-open', ['close-insecure-port', 'disable-anonymous-auth'])
    expect(crossCheckLessons([API_SERVER, extra], SCENARIOS)).toEqual([
      'lesson "defense-in-depth" (lessons/defense-in-depth.md): step "disable-anonymous-auth" is in no scenario whose lesson is "defense-in-depth" (scenarios of this lesson: all-open)',
    ])
  })

  it('names a scenario whose lesson does not exist', () => {
    expect(crossCheckLessons([API_SERVER], SCENARIOS)).toEqual([
      'scenario "all-open": its lesson "defense-in-depth" does not exist (lessons: api-server)',
    ])
  })
})
