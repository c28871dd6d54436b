// Client-side cost of r1 chat/bench against a fake server with no delays (spawned apart, so that
// spawnSync in timeNode does not block it): start-up of `r1 chat --json`, and the latency and
// throughput the client itself can sustain.
import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {BIN, ROOT, report, timeNode} from './lib.mjs'

export async function run() {
  const child = spawn(process.execPath, [join(ROOT, 'test/helpers/fake-openai-server.mjs'), '{}'], {stdio: ['ignore', 'pipe', 'inherit']})
  const url = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).url)))
  try {
    report('r1 chat --json (one streamed request, fake server)', timeNode([BIN, 'chat', 'hi', '--url', url, '--model', 'm', '--json'], {runs: 5}))
    const {bench, benchDeps} = await import(pathToFileURL(join(ROOT, 'dist/src/services/bench.js')).href)
    const r = await bench(benchDeps(async () => ({})), {concurrency: 16, inputTokens: 64, onWarning: () => {}, outputTokens: 64, requests: 256, url})
    report('bench client overhead: ITL p50 against a zero-delay server (ms)', r.itlMs.median, {vsNode: false})
    console.log(`${'bench client: output throughput at concurrency 16'.padEnd(58)} ${r.outputThroughput.toFixed(0).padStart(8)} tok/s`)
  } finally {
    child.kill('SIGTERM')
  }
}
