#!/usr/bin/env node
// Development entry: rebuild with `npm run build` (or `tsc -p tsconfig.build.json --watch`) and run from dist/.
const {execute} = await import('@oclif/core')
await execute({development: true, dir: import.meta.url})
