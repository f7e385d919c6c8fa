// `node --import ./test/support/register-swc.mjs file.ts`: see swc-loader-hooks.mjs.
import {register} from 'node:module'

register('./swc-loader-hooks.mjs', import.meta.url)
