// r1 serve: r1's own resident memory while it supervises an engine (must stay under 150 MB), with a fake vLLM
// (test/fixtures/fake-engines) that logs 10,000 lines a second once up; and the start-up of `serve --dry-run`.
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BIN, report, ROOT, timeNode} from './lib.mjs'

const LIMIT_MB = 150
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function fakes() {
  const dir = mkdtempSync(join(tmpdir(), 'r1-bench-serve-'))
  const engine = join(ROOT, 'test', 'fixtures', 'fake-engines', 'engine.cjs')
  for (const name of ['vllm', 'python3', 'nvidia-smi']) {
    const path = join(dir, name)
    writeFileSync(path, `#!${process.execPath}\nrequire(${JSON.stringify(engine)}).main(${JSON.stringify(name)})\n`)
    chmodSync(path, 0o755)
  }

  return dir
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address()
      s.close(() => resolve(port))
    })
  })
}

function rssMB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0)
    return {hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024}
  } catch {
    return null
  }
}

export async function run() {
  const bin = fakes()
  const port = await freePort()
  const planFile = join(bin, 'plan.json')
  const env = {...process.env, CI: '1', NO_COLOR: '1', PATH: `${bin}:${process.env.PATH}`}
  const planned = spawnSync(process.execPath, [BIN, 'plan', '--gpu', 'RTX 4090', '--model', 'r1-distill-qwen-7b', '--engine', 'vllm', '--port', String(port), '--out', planFile, '--yes', '--force'], {env})
  if (planned.status !== 0) throw new Error(`r1 plan failed: ${planned.stderr}`)
  const plan = JSON.parse(readFileSync(planFile, 'utf8')).plan
  const hf = mkdtempSync(join(tmpdir(), 'r1-bench-hf-'))
  const snapshot = join(hf, 'hub', `models--${plan.checkpoint.replace('/', '--')}`, 'snapshots', 'abc')
  mkdirSync(snapshot, {recursive: true})
  writeFileSync(join(snapshot, 'model.safetensors'), 'x')

  report('serve --plan FILE --dry-run (start to exit)', timeNode([BIN, 'serve', '--plan', planFile, '--dry-run'], {env: {PATH: env.PATH}, runs: 5}))

  const child = spawn(process.execPath, [BIN, 'serve', '--plan', planFile, '--port', String(port), '--yes', '--stop-timeout', '5s'], {
    env: {...env, FAKE_ENGINE_CHATTER: process.env.R1_BENCH_CHATTER ?? '1000', FAKE_ENGINE_VERSION: plan.engineVersion, HF_HOME: hf},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let lines = 0
  let ready = false
  child.stdout.on('data', (d) => (ready ||= String(d).includes('Ready:')))
  child.stderr.on('data', (d) => (lines += String(d).split('\n').length - 1))
  const t0 = Date.now()
  while (!ready && Date.now() - t0 < 60_000) await sleep(50)
  if (!ready) {
    child.kill('SIGKILL')
    throw new Error('r1 serve did not become ready in 60 s')
  }

  let peak = 0
  const t1 = Date.now()
  const before = lines
  while (Date.now() - t1 < 5000) {
    const m = rssMB(child.pid)
    if (m) peak = Math.max(peak, m.rss)
    await sleep(100)
  }

  const hwm = rssMB(child.pid)?.hwm ?? peak
  const streamed = lines - before
  child.kill('SIGINT')
  const code = await new Promise((resolve) => child.on('close', resolve))
  console.log(`${'serve: r1 resident memory while supervising (peak RSS)'.padEnd(58)} ${peak.toFixed(1).padStart(8)} MB  (high-water ${hwm.toFixed(1)} MB; limit ${LIMIT_MB} MB)`)
  console.log(`${'serve: engine lines streamed in 5 s while measuring'.padEnd(58)} ${String(streamed).padStart(8)}     (exit ${code} after SIGINT)`)
  if (hwm >= LIMIT_MB) throw new Error(`r1 serve used ${hwm.toFixed(1)} MB, over the ${LIMIT_MB} MB limit`)
}
