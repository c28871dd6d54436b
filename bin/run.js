#!/usr/bin/env node
import * as nodeModule from 'node:module'

// Node 22.1+ caches compiled modules between runs (STYLE.md §9); Node 20 has no such API.
if (typeof nodeModule.enableCompileCache === 'function') {
  try {
    nodeModule.enableCompileCache()
  } catch {}
}

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
