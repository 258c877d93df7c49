import { defineConfig } from 'vite';

/**
 * The web console, built by `npm run build` into dist/console, which Junction serves at `/`
 * (src/http/console.ts). Everything the page needs is in that folder: no CDN, nothing inline (the
 * page's Content-Security-Policy allows only its own origin's scripts and styles).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // Preact's JSX, without React or a Babel plugin: Vite's own transform does it.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    target: 'es2022',
    // Every asset a file of its own: the policy allows no data: URLs.
    assetsInlineLimit: 0,
    // Browsers of ES2022 preload modules themselves.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
