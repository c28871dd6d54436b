/**
 * A real terminal for e2e tests: bin/run.js in a tmux pane of a given size, on a private tmux
 * server (-L), so r1 sees a TTY of that width, reads keys, and is interrupted by a real Ctrl-C.
 * The pane stays after r1 exits (remain-on-exit) so its screen and exit status can be read.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BIN, ROOT} from './cli.js'

export const TMUX = '/usr/bin/tmux'

/** Why tmux tests cannot run here, or undefined when they can. */
export function tmuxMissing(): string | undefined {
  const r = spawnSync(TMUX, ['-V'], {encoding: 'utf8'})
  if (r.error || r.status !== 0) return `tmux is not installed at ${TMUX} (${r.error?.message ?? r.stderr})`
  return undefined
}

export class TmuxTerminal {
  readonly socket = `r1-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  private readonly config: string
  private readonly dir: string
  private sessions = 0

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'r1-tmux-'))
    this.config = join(this.dir, 'tmux.conf')
    writeFileSync(this.config, 'set -g remain-on-exit on\nset -g history-limit 10000\nset -g status off\n')
  }

  tmux(...args: string[]): string {
    return execFileSync(TMUX, ['-L', this.socket, '-f', this.config, '-u', ...args], {encoding: 'utf8'})
  }

  /** Start `r1 ARGS` in a new pane `width` × `height`; returns the pane's target. No CI, no COLUMNS: a plain user terminal. */
  start(args: readonly string[], size: {width: number; height: number}): string {
    const name = `s${++this.sessions}`
    const status = join(this.dir, `${name}.status`)
    this.tmux(
      'new-session', '-e', `R1_TEST_STATUS=${status}`, '-d', '-s', name, '-x', String(size.width), '-y', String(size.height), '-c', ROOT,
      // r1's exit status goes to a file (tmux's own #{pane_dead_status} is sometimes left empty); "$@" keeps every word as is.
      '--', 'env', '-u', 'CI', '-u', 'COLUMNS', '-u', 'LINES', 'NO_COLOR=1', 'TERM=xterm-256color',
      '/bin/sh', '-c', '"$@"; echo "$?" > "$R1_TEST_STATUS"', 'sh', process.execPath, BIN, ...args,
    )
    return name
  }

  keys(target: string, ...keys: string[]): void {
    this.tmux('send-keys', '-t', target, ...keys)
  }

  /** Literal text typed at the keyboard. */
  type(target: string, text: string): void {
    this.tmux('send-keys', '-t', target, '-l', text)
  }

  /** The pane's screen as shown (one line per screen row, trailing blank rows dropped). */
  screen(target: string): string[] {
    return trimBlank(this.tmux('capture-pane', '-p', '-t', target).split('\n').map((l) => l.trimEnd()))
  }

  /** The pane's whole output as written: rows the terminal wrapped are joined back (-J), history included. */
  written(target: string): string[] {
    return trimBlank(this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', target).split('\n').map((l) => l.trimEnd()))
  }

  /** Screen rows r1's output took: every row from the top of the history to the last non-blank one. */
  rows(target: string): string[] {
    return trimBlank(this.tmux('capture-pane', '-p', '-S', '-', '-t', target).split('\n').map((l) => l.trimEnd()))
  }

  /** The exit status once r1 has exited, else undefined. */
  exitStatus(target: string): number | undefined {
    const file = join(this.dir, `${target}.status`)
    if (!existsSync(file)) return undefined
    const text = readFileSync(file, 'utf8')
    return text.endsWith('\n') ? Number(text.trim()) : undefined
  }

  /** Wait (polling) until `ready` holds for the screen; throws with the screen when `deadlineMs` passes first. */
  async waitFor(target: string, ready: (screen: string[]) => boolean, what: string, deadlineMs = 30_000): Promise<string[]> {
    const until = Date.now() + deadlineMs
    for (;;) {
      const screen = this.screen(target)
      if (ready(screen)) return screen
      if (Date.now() > until) throw new Error(`tmux: waited ${deadlineMs} ms for ${what}; the screen:\n${screen.join('\n')}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Wait until r1 has exited; its exit status. */
  async exited(target: string, deadlineMs = 30_000): Promise<number> {
    await this.waitFor(target, () => this.exitStatus(target) !== undefined, 'r1 to exit', deadlineMs)
    return this.exitStatus(target)!
  }

  kill(): void {
    spawnSync(TMUX, ['-L', this.socket, 'kill-server'])
    // tmux leaves the socket file of a killed server behind.
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket), {force: true})
  }
}

function trimBlank(lines: string[]): string[] {
  // remain-on-exit adds a "Pane is dead" line; it is tmux's, not r1's.
  const own = lines.filter((l) => !/^Pane is dead/.test(l))
  let end = own.length
  while (end > 0 && own[end - 1] === '') end--
  return own.slice(0, end)
}
