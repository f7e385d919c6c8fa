import {findLesson} from '../../lesson/load.js'
import {renderMarkdown} from '../../lesson/render/markdown.js'
import {applyStepSolution} from '../solution/apply.js'
import {stepConfigDiff} from '../solution/diff.js'
import type {WalkthroughServices} from './services.js'

/** The shipped lessons, the lesson renderer and the reference solutions. */
export function defaultServices(): WalkthroughServices {
  return {
    findLesson: (id) => findLesson(id),
    renderMarkdown,
    applyStepSolution: (lab, scenario, stepId, options) => applyStepSolution(lab, scenario, stepId, options),
    stepConfigDiff: (lab, scenario, stepId) => stepConfigDiff(lab, scenario, stepId),
  }
}
