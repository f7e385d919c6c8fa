import {describe, expect, it} from '@jest/globals'
import {readFile, readdir} from 'node:fs/promises'
import path from 'node:path'

/** src/scenario is a leaf: it may use zod, yaml, node built-ins and its own files only. */
describe('src/scenario imports', () => {
  it('reaches nothing outside the folder except zod, yaml and node built-ins', async () => {
    const folder = path.resolve('src/scenario')
    const offending: string[] = []
    for (const name of (await readdir(folder)).filter((entry) => entry.endsWith('.ts'))) {
      const text = await readFile(path.join(folder, name), 'utf8')
      for (const match of text.matchAll(/^(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const specifier = match[1] as string
        const allowed = specifier === 'zod' || specifier === 'yaml' || specifier.startsWith('node:') || /^\.\/[^/]+\.js$/.test(specifier)
        if (!allowed) offending.push(`${name}: ${specifier}`)
      }
    }
    expect(offending).toEqual([])
  })
})
