import 'reflect-metadata'

/**
 * @peculiar/x509 2 resolves its algorithm providers through tsyringe, which refuses to load unless the
 * reflect-metadata API exists. It is loaded only once that polyfill is in place: a static import is not
 * enough, because loaders that evaluate CommonJS dependencies ahead of ES module bodies (Jest's ESM
 * mode) would run tsyringe's check first.
 */
export const x509 = await import('@peculiar/x509')
