import {describe, expect, it} from 'vitest'

import {createProgress, progressEnabled, progressLine} from '../../src/cli/progress.js'

describe('progress bar (stderr)', () => {
  it('draws a bar with counts and percentage', () => {
    expect(progressLine('eval', 12, 40, 60, 'correct 9')).toBe(`eval [${'#'.repeat(9)}${'-'.repeat(21)}] 12/40  30%  correct 9`)
    expect(progressLine('eval', 12, 40, 60, 'correct 9').length).toBeLessThanOrEqual(60)
    expect(progressLine('bench', 0, 0, 80)).toBe(`bench [${'#'.repeat(40)}] 0/0 100%`)
  })

  it('is off without a terminal, under CI or with --json', () => {
    const tty = {isTTY: true} as NodeJS.WriteStream
    expect(progressEnabled(false, tty, {})).toBe(true)
    expect(progressEnabled(true, tty, {})).toBe(false)
    expect(progressEnabled(false, tty, {CI: '1'})).toBe(false)
    expect(progressEnabled(false, {isTTY: false} as NodeJS.WriteStream, {})).toBe(false)
  })

  it('writes frames and clears its line, or nothing when disabled', () => {
    const writes: string[] = []
    const stream = {columns: 60, write: (s: string) => writes.push(s)} as unknown as NodeJS.WriteStream
    const p = createProgress('eval', {enabled: true, stream})
    p.update(1, 2)
    p.stop()
    expect(writes).toEqual([`\r\u001B[2K${progressLine('eval', 1, 2, 60)}`, '\r\u001B[2K'])
    const off: string[] = []
    const q = createProgress('eval', {enabled: false, stream: {write: (s: string) => off.push(s)} as unknown as NodeJS.WriteStream})
    q.update(1, 2)
    q.stop()
    expect(off).toEqual([])
  })
})
