// A hash of every src/**/*.ts file and tsconfig.build.json: which sources a build was made from.
// `npm run build` writes it to dist/.source-hash; test/support/compiled.ts reuses dist/ when it matches.
import {createHash} from 'node:crypto'
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

/** @param {string} projectRoot @returns {Promise<string>} */
export async function sourceHash(projectRoot) {
  const folder = path.join(projectRoot, 'src')
  const hash = createHash('sha256')
  /** @param {string} current */
  const walk = async (current) => {
    const entries = (await readdir(current, {withFileTypes: true})).sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (entry.name.endsWith('.ts')) hash.update(path.relative(folder, full)).update('\0').update(await readFile(full)).update('\0')
    }
  }
  await walk(folder)
  hash.update(await readFile(path.join(projectRoot, 'tsconfig.build.json')))
  return hash.digest('hex').slice(0, 16)
}
