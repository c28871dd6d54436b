// Every answer of the built-in set, recomputed by brute force (not copied from the table).
import {describe, expect, it} from 'vitest'

import {BUILTIN_PROBLEMS} from '../../src/core/eval/problems.js'
import {parseDataset, parsePromptFile} from '../../src/core/eval/dataset.js'

const isPrime = (n: number) => n > 1 && Array.from({length: Math.floor(Math.sqrt(n)) - 1}, (_, i) => i + 2).every((d) => n % d !== 0)
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
const divisors = (n: number) => Array.from({length: n}, (_, i) => i + 1).filter((d) => n % d === 0)
const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k)
const range = (a: number, b: number) => Array.from({length: b - a + 1}, (_, i) => a + i)
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
const powMod = (b: bigint, e: bigint, m: bigint): bigint => {
  let r = 1n
  let x = b % m
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = (r * x) % m
    x = (x * x) % m
  }

  return r
}

const factorial = (n: number): bigint => (n <= 1 ? 1n : BigInt(n) * factorial(n - 1))
const fib = (n: number): number => {
  let [a, b] = [1, 1]
  for (let i = 2; i < n; i++) [a, b] = [b, a + b]
  return b
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]]
  return permutations(n - 1).flatMap((p) => range(0, n - 1).map((i) => [...p.slice(0, i), n - 1, ...p.slice(i)]))
}

function balanced(pairs: number): number {
  let count = 0
  const go = (open: number, close: number) => {
    if (open === pairs && close === pairs) count++
    if (open < pairs) go(open + 1, close)
    if (close < open) go(open, close + 1)
  }

  go(0, 0)
  return count
}

const COMPUTED: Record<string, () => number | bigint> = {
  'add-sub': () => 1234 + 5678 - 999,
  'binomial-coeff': () => choose(6, 3) * 2 ** 3,
  'catalan-8': () => balanced(8),
  'choose-10-3': () => choose(10, 3),
  'compositions-20': () => sum(range(1, 18).map((a) => range(1, 19 - a).filter((b) => 20 - a - b >= 1).length)),
  crt: () => range(1, 105).find((n) => n % 3 === 2 && n % 5 === 3 && n % 7 === 2)!,
  'derangements-5': () => permutations(5).filter((p) => p.every((v, i) => v !== i)).length,
  'diagonals-20': () => (20 * 17) / 2,
  'digit-sum-10': () => range(1, 999).filter((n) => sum([...String(n)].map(Number)) === 10).length,
  'digits-2-20': () => sum([...String(2 ** 20)].map(Number)),
  'div-3-or-5': () => range(1, 1000).filter((n) => n % 3 === 0 || n % 5 === 0).length,
  'divisors-360': () => divisors(360).length,
  'domino-tilings': () => {
    const t = [1, 1]
    for (let i = 2; i <= 10; i++) t[i] = t[i - 1] + t[i - 2]
    return t[10]
  },
  'egyptian-12': () => range(13, 12 * 13).filter((x) => (12 * x) % (x - 12) === 0).length,
  'factorial-sum-mod-12': () => range(1, 50).reduce((a, k) => a + factorial(k), 0n) % 12n,
  'fib-15': () => fib(15),
  'fifth-powers-mod-1000': () => range(1, 100).reduce((a, k) => a + BigInt(k) ** 5n, 0n) % 1000n,
  gcd: () => gcd(462, 1071),
  heron: () => {
    const s = (13 + 14 + 15) / 2
    return Math.sqrt(s * (s - 13) * (s - 14) * (s - 15))
  },
  hypotenuse: () => Math.sqrt(20 ** 2 + 21 ** 2),
  lcm: () => range(1, 1000).find((n) => n % 12 === 0 && n % 18 === 0 && n % 30 === 0)!,
  'largest-prime-factor': () => Math.max(...divisors(9991).filter(isPrime)),
  'last-two-digits': () => powMod(7n, 2026n, 100n),
  'lattice-paths': () => choose(10, 4),
  'mul-17-23': () => 17 * 23,
  'n2-plus-1-mod-5': () => sum(range(1, 100).filter((n) => (n * n + 1) % 5 === 0)),
  palindromes: () => range(1000, 9999).filter((n) => String(n) === [...String(n)].reverse().join('')).length,
  'pow-mod-7': () => powMod(2n, 100n, 7n),
  'pow-sum': () => 2 ** 10 + 3 ** 5,
  'primes-below-50': () => sum(range(2, 49).filter(isPrime)),
  'pythagorean-hyp-65': () => range(1, 64).filter((a) => Number.isInteger(Math.sqrt(65 ** 2 - a ** 2))).length,
  'quadratic-root': () => Math.max(...range(-100, 100).filter((x) => x * x - 13 * x + 40 === 0)),
  'sigma-120': () => sum(divisors(120)),
  'squares-or-cubes': () => range(1, 2026).filter((n) => Number.isInteger(Math.round(Math.sqrt(n))) && Math.round(Math.sqrt(n)) ** 2 === n || Math.round(Math.cbrt(n)) ** 3 === n).length,
  'subsets-sum-div-5': () => range(0, 2 ** 10 - 1).filter((mask) => sum(range(1, 10).filter((k) => mask & (1 << (k - 1)))) % 5 === 0).length,
  'sum-1-100': () => sum(range(1, 100)),
  'sum-cubes': () => sum(range(1, 10).map((k) => k ** 3)),
  'totient-100': () => range(1, 100).filter((n) => gcd(n, 100) === 1).length,
  'trailing-zeros': () => /0*$/.exec(factorial(100).toString())![0].length,
  'units-digit': () => powMod(3n, 2026n, 10n),
}

describe('the built-in eval set', () => {
  it('has at least 30 problems with unique ids and integer answers', () => {
    expect(BUILTIN_PROBLEMS.length).toBeGreaterThanOrEqual(30)
    expect(new Set(BUILTIN_PROBLEMS.map((p) => p.id)).size).toBe(BUILTIN_PROBLEMS.length)
    for (const p of BUILTIN_PROBLEMS) expect(p.answer, p.id).toMatch(/^-?\d+$/)
  })

  it('spans arithmetic to competition level', () => {
    const levels = new Set(BUILTIN_PROBLEMS.map((p) => p.level))
    expect([...levels].sort()).toEqual(['arithmetic', 'competition', 'school'])
  })

  it.each(BUILTIN_PROBLEMS.map((p) => [p.id, p.answer]))('%s: the answer %s is recomputed by brute force', (id, answer) => {
    const compute = COMPUTED[id]
    expect(compute, `no check for ${id}`).toBeTypeOf('function')
    expect(String(compute())).toBe(answer)
  })
})

describe('--dataset files', () => {
  it('reads JSONL of {question, answer}, numbers or strings, skipping blank lines', () => {
    const ps = parseDataset('{"question": "1+1?", "answer": 2}\n\n{"id": "big", "question": "Q", "answer": "1,000"}\n', 'd.jsonl')
    expect(ps).toEqual([
      {answer: '2', id: 'line-1', level: 'dataset', question: '1+1?'},
      {answer: '1,000', id: 'big', level: 'dataset', question: 'Q'},
    ])
  })

  it.each([
    ['{"question": "x"', 'd.jsonl:1 is not valid JSON'],
    ['{"answer": 3}', 'd.jsonl:1 has no "question" string'],
    ['{"question": "q", "answer": "1/2"}', 'd.jsonl:1: the answer "1/2" is not an integer'],
    ['\n\n', 'd.jsonl has no problems'],
  ])('refuses %s with R1_BAD_DATASET', (text, message) => {
    expect(() => parseDataset(text, 'd.jsonl')).toThrow(expect.objectContaining({code: 'R1_BAD_DATASET', message}))
  })

  it('reads bench prompt files ({prompt} or {question})', () => {
    expect(parsePromptFile('{"prompt": "a"}\n{"question": "b"}', 'p.jsonl')).toEqual(['a', 'b'])
    expect(() => parsePromptFile('{"text": "a"}', 'p.jsonl')).toThrow(expect.objectContaining({code: 'R1_BAD_DATASET'}))
  })
})
