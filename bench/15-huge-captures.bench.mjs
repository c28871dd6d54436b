// Huge captures (issue 14, defect 8): the capture parser alone, in-process, on 60,000-GPU captures in every format
// r1 reads, built from the real fixtures; then the same through r1 detect, which refuses them at the 1,024-GPU
// limit; and a 50 MB capture, refused at the 16 MiB size limit before it is read.
// Standalone: npm run build && node bench/15-huge-captures.bench.mjs
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {BIN, median, report, ROOT, timeNode} from './lib.mjs'

const FIX = join(ROOT, 'test', 'fixtures', 'nvidia-smi')
const ROWS = 60_000

/** Captures of ROWS GPUs, one per format, each grown from a real capture. */
export function hugeCaptures(rows = ROWS) {
  // r1's own query fields with a header (what `nvidia-smi --query-gpu=index,name,… --format=csv` writes), the H100's
  // values from the real all-fields capture; the all-fields header itself makes rows of ~1.8 KB (100 MiB for 60,000),
  // which the 16 MiB input limit refuses before any parsing.
  const all = readFileSync(join(FIX, 'h100-sxm5-80gb.query-all-fields.csv'), 'utf8').split('\n')
  const names = all[0].split(', ').map((h) => h.replace(/ \[.*\]$/, ''))
  const values = all[1].split(', ')
  const fields = ['index', 'name', 'uuid', 'pci.bus_id', 'memory.total', 'memory.used', 'compute_cap', 'driver_version', 'mig.mode.current']
  const header = all[0].split(', ').filter((h) => fields.includes(h.replace(/ \[.*\]$/, ''))).join(', ')
  const pick = (i) =>
    names
      .map((n, j) => [n, values[j]])
      .filter(([n]) => fields.includes(n))
      .map(([n, v]) => (n === 'index' ? String(i) : n === 'uuid' ? `GPU-${String(i).padStart(8, '0')}-0000-0000-0000-000000000000` : v))
      .join(', ')
  const csvRows = Array.from({length: rows}, (_, i) => pick(i))
  const noheader = readFileSync(join(FIX, 'tesla-pg500-216-v100-pcie-32gb.query.noheader.csv'), 'utf8').trim()
  const xml = readFileSync(join(FIX, 'tesla-t4.q.xml'), 'utf8')
  const gpuStart = xml.indexOf('<gpu id=')
  const gpuEnd = xml.indexOf('</gpu>') + '</gpu>'.length
  const gpuBlock = xml.slice(gpuStart, gpuEnd)
  const list = readFileSync(join(FIX, 'titan-v_rtx-5880-ada.list.txt'), 'utf8').split('\n')[0]
  return {
    'query-csv (header)': `${header}\n${csvRows.join('\n')}\n`,
    'query-csv (no header)': `${Array.from({length: rows}, () => noheader).join('\n')}\n`,
    // An XML <gpu> block is ~8 KB: as many as fit under the 16 MiB input limit.
    'nvidia-smi -q -x (as many as fit in 16 MiB)': `${xml.slice(0, gpuStart)}${Array.from({length: Math.min(rows, Math.floor((15.9 * 2 ** 20) / gpuBlock.length))}, (_, i) => gpuBlock.replace(/<gpu id="[^"]*"/, `<gpu id="00000000:${(i % 256).toString(16).padStart(2, '0')}:${Math.floor(i / 256)}.0"`)).join('\n')}${xml.slice(gpuEnd)}`,
    'nvidia-smi -L': `${Array.from({length: rows}, (_, i) => list.replace(/^GPU \d+/, `GPU ${i}`).replace(/GPU-[0-9a-f-]+/, `GPU-${String(i).padStart(8, '0')}-0000-0000-0000-000000000000`)).join('\n')}\n`,
  }
}

export async function run() {
  const {parseCaptureText, checkCapture} = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'core', 'detect', 'capture.js')).href)
  const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')).gpus
  const dir = mkdtempSync(join(tmpdir(), 'r1-huge-'))
  for (const [format, text] of Object.entries(hugeCaptures())) {
    const times = []
    let gpus = 0
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint()
      const parsed = parseCaptureText(text, catalog)
      times.push(Number(process.hrtime.bigint() - t0) / 1e6)
      gpus = parsed.gpus.length
      let refused = ''
      try {
        checkCapture(parsed)
      } catch (error) {
        refused = error.message
      }

      if (i === 0) console.log(`  ${format}: ${(text.length / 2 ** 20).toFixed(1)} MiB, ${gpus} GPUs parsed; ${refused || 'within the GPU limit'}`)
    }

    report(`parse ${gpus} GPUs, ${format} (parser alone, median of 5)`, median(times), {vsNode: false})
    const file = join(dir, `${format.replace(/\W+/g, '-')}.txt`)
    writeFileSync(file, text)
    if (text.length < 16 * 2 ** 20) report(`r1 detect --from-file <${gpus} GPUs, ${format}> --json`, timeNodeRefused([BIN, 'detect', '--from-file', file, '--json']), {vsNode: false})
  }

  const big = join(dir, '50mb.csv')
  writeFileSync(big, Buffer.alloc(50 * 2 ** 20, 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1)\n'))
  report('r1 detect --from-file <50 MB capture> (refused at 16 MiB)', timeNodeRefused([BIN, 'detect', '--from-file', big, '--json']), {vsNode: false})
}

function timeNodeRefused(args) {
  try {
    return timeNode(args, {runs: 3})
  } catch (error) {
    // timeNode wants exit 0 or 3; these exit 2 by design, so time them here.
    if (!/exited 2/.test(String(error.message))) throw error
    return timeSpawn(args)
  }
}

function timeSpawn(args) {
  const times = []
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, {cwd: ROOT, env: {...process.env, CI: '1', NO_COLOR: '1'}, stdio: ['ignore', 'ignore', 'pipe']})
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 2) throw new Error(`exit ${r.status}: ${r.stderr}`)
  }

  return median(times)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
