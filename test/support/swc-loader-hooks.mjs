// Node module hooks that run the TypeScript sources directly, so tests can start src/ entry points as real
// processes without `npm run build` (which would rewrite dist/ under other processes' feet). Resolution maps an
// import of `./x.js` to `./x.ts` when only the .ts exists; loading strips types with @swc/core (already the jest
// transform). Use: `node --import ./test/support/register-swc.mjs src/.../main.ts`.
import {readFile} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {transform} from '@swc/core'

export async function resolve(specifier, context, nextResolve) {
  if ((specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) && specifier.endsWith('.js')) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL)
    if (candidate.protocol === 'file:' && existsSync(fileURLToPath(candidate)) && !existsSync(fileURLToPath(new URL(specifier, context.parentURL)))) {
      return {url: candidate.href, shortCircuit: true, format: 'module'}
    }
  }
  return nextResolve(specifier, context)
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context)
  const filename = fileURLToPath(url)
  const source = await readFile(filename, 'utf8')
  const output = await transform(source, {
    filename,
    jsc: {parser: {syntax: 'typescript'}, target: 'es2022'},
    module: {type: 'es6'},
    sourceMaps: 'inline',
  })
  return {format: 'module', source: output.code, shortCircuit: true}
}
