// `kubelab --version` start-up against a bare `node -e 0`, measured side by side. Target: at most 3x.
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {medianRunMs, report} from './lib.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bare = medianRunMs(process.execPath, ['-e', '0'])
const kubelab = medianRunMs(process.execPath, [path.join(root, 'bin/run.js'), '--version'])
const ok = report('start-up (kubelab --version / node -e 0)', kubelab / bare, 3, `${kubelab.toFixed(0)} ms vs ${bare.toFixed(0)} ms`)
process.exitCode = ok ? 0 : 1
