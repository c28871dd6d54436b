/** `--dataset FILE`: JSONL of {question, answer} (integer answers), parsed with line numbers in errors. */
import {R1Error} from '../errors.js'
import {parseIntegerAnswer} from '../client/boxed.js'
import type {Problem} from './problems.js'

export function parseDataset(text: string, name: string): Problem[] {
  const problems: Problem[] = []
  const lines = text.split(/\r?\n/)
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    const where = `${name}:${i + 1}`
    let row: unknown
    try {
      row = JSON.parse(line)
    } catch {
      throw bad(`${where} is not valid JSON`)
    }

    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw bad(`${where} is not a JSON object`)
    const {answer, id, question} = row as {question?: unknown; answer?: unknown; id?: unknown}
    if (typeof question !== 'string' || question.trim() === '') throw bad(`${where} has no "question" string`)
    if (typeof answer !== 'string' && typeof answer !== 'number') throw bad(`${where} has no "answer" (a number or a string)`)
    if (parseIntegerAnswer(String(answer)) === null) throw bad(`${where}: the answer ${JSON.stringify(answer)} is not an integer`)
    problems.push({answer: String(answer).trim(), id: typeof id === 'string' || typeof id === 'number' ? String(id) : `line-${i + 1}`, level: 'dataset', question})
  })
  if (problems.length === 0) throw bad(`${name} has no problems`)
  return problems
}

function bad(message: string): R1Error {
  return new R1Error('R1_BAD_DATASET', message, {
    suggestions: ['Each line must be a JSON object like {"question": "What is 6 × 7?", "answer": 42}; answers are integers.'],
  })
}

/** Bench prompts from a JSONL file: one object per line with a "prompt" (or "question") string. */
export function parsePromptFile(text: string, name: string): string[] {
  const prompts: string[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return
    let row: unknown
    try {
      row = JSON.parse(line)
    } catch {
      throw badPrompts(`${name}:${i + 1} is not valid JSON`)
    }

    const r = row as {prompt?: unknown; question?: unknown} | null
    const prompt = typeof r?.prompt === 'string' ? r.prompt : typeof r?.question === 'string' ? r.question : null
    if (prompt === null || prompt.trim() === '') throw badPrompts(`${name}:${i + 1} has no "prompt" string`)
    prompts.push(prompt)
  })
  if (prompts.length === 0) throw badPrompts(`${name} has no prompts`)
  return prompts
}

function badPrompts(message: string): R1Error {
  return new R1Error('R1_BAD_DATASET', message, {suggestions: ['Each line must be a JSON object like {"prompt": "Explain KV caches."}.']})
}
