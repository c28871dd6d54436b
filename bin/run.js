#!/usr/bin/env node
import * as nodeModule from 'node:module'

// Node 22.1+ caches compiled modules between runs (STYLE.md §9); Node 20 has no such API.
if (typeof nodeModule.enableCompileCache === 'function') {
  try {
    nodeModule.enableCompileCache()
  } catch {}
}

// r1 checks its Node version through package.json "engines"; oclif's own check loads semver (13
// modules) on every start just to warn.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'

// dist/bundle/oclif.js is @oclif/core bundled with r1's commands (scripts/bundle.mjs).
const {execute} = await import('../dist/bundle/oclif.js')
await execute({dir: import.meta.url})
