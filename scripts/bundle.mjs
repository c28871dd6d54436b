// Bundles what `bin/run.js` runs into dist/bundle/ (STYLE.md §9: start-up cost). Node reads,
// resolves and compiles each module file on every start, and `r1 plan` used to load ~130 of them
// (@oclif/core's CommonJS tree and ~40 of r1's own). Here @oclif/core and every command and hook
// share one module graph split into a few chunks, and what is imported lazily (report, serve,
// Kubernetes writers, prompts, execa...) stays in chunks of its own that load only when used.
// Input is tsc's output in dist/ (build-catalog and write-schemas keep importing dist/src/).
//
// oclif finds the bundled commands through package.json "oclif.commands.target" and the manifest
// (npm run manifest); bin/run.js imports dist/bundle/oclif.js, so commands and the executor use
// one copy of @oclif/core (two copies would cost more than the bundle saves).
// io/profiles finds the package root by looking up for package.json and profiles/, so chunks may sit at any depth.
import {readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {build} from 'rolldown'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = `${root}dist/`
const input = {
  'hooks/command-not-found': `${dist}src/cli/hooks/command-not-found.js`,
  oclif: 'r1:oclif',
}
for (const file of readdirSync(`${dist}commands`, {recursive: true})) {
  if (String(file).endsWith('.js')) input[`commands/${String(file).slice(0, -3)}`] = `${dist}commands/${file}`
}

await build({
  cwd: root,
  // oclif requires these only to run TypeScript sources in development, never from dist/.
  external: [/^typescript(\/|$)/, /^ts-node(\/|$)/, /^tsx(\/|$)/],
  input,
  logLevel: 'warn',
  output: {
    chunkFileNames: 'chunks/[name]-[hash].js',
    dir: `${dist}bundle`,
    format: 'esm',
  },
  platform: 'node',
  // @oclif/core is CommonJS; an ES entry re-exporting it gives bin/run.js a named `execute`.
  plugins: [
    {
      load: (id) => (id === 'r1:oclif' ? "export {execute} from '@oclif/core'" : null),
      name: 'r1-oclif-entry',
      resolveId: (id) => (id === 'r1:oclif' ? id : null),
    },
    {
      // V8 reads JSON.parse('…') of a large object faster than the same object as a JS literal.
      // Only r1's own JSON (engine-cli.json, imported as a default export): a package that
      // require()s JSON needs rolldown's own JSON module, whose require() gives the value itself.
      name: 'r1-json-parse',
      transform: {
        filter: {id: /[/\\]dist[/\\]src[/\\].*\.json$/},
        handler: (code) => ({code: `export default JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(code)))})`, moduleType: 'js'}),
      },
    },
  ],
})
