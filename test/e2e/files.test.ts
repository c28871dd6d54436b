/**
 * Writing and reading files (issue 14, defects 1 and 7): --out/--output with --force replaces only a regular
 * file, atomically; a device, FIFO, socket or folder is refused with R1_IO (exit 1) and left as it was; file-system
 * errors are R1_IO with the path and the OS reason, never R1_BUG; --profiles must be a folder; duplicate profile
 * ids name both files. Real processes (bin/run.js), real file-system objects.
 */
import {execFileSync} from 'node:child_process'
import {chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {FIXTURES, runCli} from '../helpers/cli.js'

const PLAN = ['plan', '--gpu', 'h100', '--count', '8', '--model', 'r1-distill-qwen-7b', '--yes']
const fresh = () => mkdtempSync(join(tmpdir(), 'r1-files-'))

function kindOf(path: string): string {
  const s = lstatSync(path)
  return s.isCharacterDevice() ? 'char' : s.isFIFO() ? 'fifo' : s.isSocket() ? 'socket' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'link' : s.isFile() ? 'file' : '?'
}

/** A character device (the same one as /dev/null) where mknod is allowed (root), else null. */
function charDevice(dir: string): string | null {
  const path = join(dir, 'null')
  try {
    execFileSync('mknod', [path, 'c', '1', '3'], {stdio: 'ignore'})
    return path
  } catch {
    return null
  }
}

async function socketAt(path: string): Promise<() => void> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(path, resolve))
  return () => server.close()
}

describe('--out / --output never replace what is not a regular file', () => {
  it('plan --out DEVICE --force: R1_IO, exit 1, the device untouched', async () => {
    const dir = fresh()
    const dev = charDevice(dir)
    if (!dev) return // not root: no device node to try (the FIFO and socket cases below still run)
    const r = await runCli([...PLAN, '--out', dev, '--force'])
    expect(r.exitCode, r.stderr).toBe(1)
    expect(r.stderr).toContain('Code: R1_IO')
    expect(r.stderr).toContain('is a character device: r1 replaces only regular files')
    expect(kindOf(dev)).toBe('char')
    expect(readdirSync(dir)).toEqual(['null'])
  })

  it('report --output FIFO --force and --output SOCKET --force: R1_IO, exit 1, neither replaced', async () => {
    const dir = fresh()
    const fifo = join(dir, 'pipe')
    execFileSync('mkfifo', [fifo])
    const sock = join(dir, 'sock')
    const close = await socketAt(sock)
    try {
      for (const [path, kind, words] of [
        [fifo, 'fifo', 'is a FIFO (named pipe)'],
        [sock, 'socket', 'is a socket'],
      ] as const) {
        const r = await runCli(['report', '--output', path, '--force'])
        expect(r.exitCode, r.stderr).toBe(1)
        expect(r.stderr).toContain('Code: R1_IO')
        expect(r.stderr).toContain(words)
        expect(kindOf(path)).toBe(kind)
      }
    } finally {
      close()
    }
  })

  it('--out FOLDER --force: R1_IO, exit 1, the folder kept', async () => {
    const dir = fresh()
    const folder = join(dir, 'plan.json')
    mkdirSync(folder)
    const r = await runCli([...PLAN, '--out', folder, '--force'])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('is a folder: r1 replaces only regular files')
    expect(kindOf(folder)).toBe('dir')
  })

  it('a regular file is replaced atomically with --force: same mode, no temporary file left; a symlink stays a link', async () => {
    const dir = fresh()
    const file = join(dir, 'plan.json')
    writeFileSync(file, 'old')
    chmodSync(file, 0o600)
    const link = join(dir, 'link.json')
    symlinkSync(file, link)
    const r = await runCli([...PLAN, '--out', link, '--force'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(kindOf(link)).toBe('link')
    expect(readlinkSync(link)).toBe(file)
    expect(JSON.parse(readFileSync(file, 'utf8')).plan.model).toBe('r1-distill-qwen-7b')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'plan.json'])
  })

  it("--out '' is refused (exit 2), not a silent success", async () => {
    const r = await runCli([...PLAN, '--out', ''])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('the output file name is empty')
  })
})

describe('file-system errors are R1_IO with the path and the reason, never R1_BUG', () => {
  it('--out existing.json/x (ENOTDIR) and a 300-character name (ENAMETOOLONG)', async () => {
    const dir = fresh()
    writeFileSync(join(dir, 'existing.json'), '{}')
    const long = join(dir, `${'a'.repeat(300)}.json`)
    for (const [path, reason] of [
      [join(dir, 'existing.json', 'x'), 'a part of the path is a file, not a folder (ENOTDIR)'],
      [long, 'the name is too long for the file system (ENAMETOOLONG)'],
    ] as const) {
      const r = await runCli([...PLAN, '--out', path, '--force'])
      expect(r.exitCode, r.stderr).toBe(1)
      expect(r.stderr).toContain('Code: R1_IO')
      expect(r.stderr).toContain(reason)
      expect(r.stderr).not.toContain('R1_BUG')
    }

    expect(readFileSync(join(dir, 'existing.json'), 'utf8')).toBe('{}')
  })

  it('serve --plan FOLDER: a usage error naming the folder', async () => {
    const dir = fresh()
    const r = await runCli(['serve', '--plan', dir])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain(`${dir} is a folder, not a file`)
    expect(r.stderr).not.toContain('R1_BUG')
  })
})

describe('--profiles', () => {
  it('must name a folder: a file is refused (exit 2)', async () => {
    const dir = fresh()
    const file = join(dir, 'profiles.json')
    writeFileSync(file, '{}')
    const r = await runCli(['profiles', 'list', 'gpus', '--profiles', file])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain(`--profiles must name a folder: ${file} is a file`)
  })

  it('a folder named x.json and a symlink loop inside: coded errors, never R1_BUG', async () => {
    const dir = fresh()
    mkdirSync(join(dir, 'gpus', 'x.json'), {recursive: true})
    const a = await runCli(['profiles', 'list', 'gpus', '--profiles', dir])
    expect(a.exitCode).toBe(2)
    expect(a.stderr).toContain('Code: R1_BAD_PROFILE')
    expect(a.stderr).toContain('x.json')

    const loop = fresh()
    mkdirSync(join(loop, 'gpus'))
    symlinkSync(join(loop, 'gpus', 'b.json'), join(loop, 'gpus', 'a.json'))
    symlinkSync(join(loop, 'gpus', 'a.json'), join(loop, 'gpus', 'b.json'))
    const b = await runCli(['profiles', 'list', 'gpus', '--profiles', loop])
    expect(b.exitCode).toBe(1)
    expect(b.stderr).toContain('Code: R1_IO')
    expect(b.stderr).toContain('ELOOP')
    expect(b.stderr).not.toContain('R1_BUG')
  })

  it('two files with the same id: an error naming both files', async () => {
    const dir = fresh()
    mkdirSync(join(dir, 'gpus'))
    const h100 = readFileSync(join(FIXTURES, '..', '..', 'profiles', 'gpus', 'h100-sxm.json'), 'utf8')
    writeFileSync(join(dir, 'gpus', 'one.json'), h100)
    writeFileSync(join(dir, 'gpus', 'two.json'), h100)
    const r = await runCli(['profiles', 'list', 'gpus', '--profiles', dir])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('two gpus profiles have the id h100-sxm')
    expect(r.stderr).toContain(join(dir, 'gpus', 'one.json'))
    expect(r.stderr).toContain(join(dir, 'gpus', 'two.json'))
  })

  it('a number out of its range (numLayers 1e12) is refused with the range, not R1_BUG', async () => {
    const dir = fresh()
    mkdirSync(join(dir, 'models'))
    const model = JSON.parse(readFileSync(join(FIXTURES, '..', '..', 'profiles', 'models', 'r1-distill-qwen-7b.json'), 'utf8'))
    model.id = 'huge'
    model.aliases = []
    model.architecture.numLayers = 1e12
    writeFileSync(join(dir, 'models', 'huge.json'), JSON.stringify(model))
    const r = await runCli(['plan', '--gpu', 'h100', '--model', 'huge', '--profiles', dir, '--yes'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('architecture.numLayers: must be a whole number from 1 to 1024')
  })

  it('control characters in a profile\'s text are refused at load, naming the field (the terminal never sees them)', async () => {
    const dir = fresh()
    mkdirSync(join(dir, 'gpus'))
    const h100 = JSON.parse(readFileSync(join(FIXTURES, '..', '..', 'profiles', 'gpus', 'h100-sxm.json'), 'utf8'))
    h100.id = 'evil'
    h100.aliases = []
    h100.displayName = 'H100 \u001b]0;pwned\u0007\u001b[2J'
    writeFileSync(join(dir, 'gpus', 'evil.json'), JSON.stringify(h100))
    const r = await runCli(['profiles', 'list', 'gpus', '--profiles', dir])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('displayName: contains control characters')
    expect(r.stderr).toContain('Code: R1_BAD_PROFILE')
    expect(r.stderr).not.toContain('\u001b')
    expect(r.stdout).not.toContain('\u001b')
  })

  it('a profile may keep newlines in its text (as YAML block scalars give) but not a C1 CSI inside a list', async () => {
    const dir = fresh()
    mkdirSync(join(dir, 'gpus'))
    const h100 = JSON.parse(readFileSync(join(FIXTURES, '..', '..', 'profiles', 'gpus', 'h100-sxm.json'), 'utf8'))
    h100.id = 'multi'
    h100.aliases = []
    h100.source = 'line one\nline two\n'
    writeFileSync(join(dir, 'gpus', 'multi.json'), JSON.stringify(h100))
    const ok = await runCli(['profiles', 'list', 'gpus', '--profiles', dir])
    expect(ok.exitCode, ok.stderr).toBe(0)
    h100.smiNames = ['NVIDIA H100 80GB HBM3', 'x\u009b2J']
    writeFileSync(join(dir, 'gpus', 'multi.json'), JSON.stringify(h100))
    const bad = await runCli(['profiles', 'list', 'gpus', '--profiles', dir])
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toContain('smiNames.1: contains control characters')
  })
})
