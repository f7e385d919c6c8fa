// Runs every bench script in this folder, one after another, and exits non-zero if any missed its target.
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const scripts = readdirSync(here).filter((name) => name.endsWith('.js') && !['run-all.js', 'lib.js'].includes(name)).sort()
let failed = 0
for (const script of scripts) {
  console.log(`\n== ${script}`)
  const result = spawnSync(process.execPath, [path.join(here, script)], {stdio: 'inherit'})
  if (result.status !== 0) failed += 1
}
console.log(`\n${scripts.length - failed} of ${scripts.length} bench scripts met their targets`)
process.exitCode = failed === 0 ? 0 : 1
