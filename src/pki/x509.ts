import './reflect-metadata-shim.js'

/**
 * @peculiar/x509, loaded only once the reflect-metadata shim is in place. A static import is not
 * enough: loaders that evaluate CommonJS dependencies ahead of ES module bodies (Jest's ESM mode)
 * would run tsyringe's polyfill check before the shim.
 */
export const x509 = await import('@peculiar/x509')
